"""MediaPipe BlazePose landmark indices and names (33 points)."""

NAMES = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder", "right_shoulder", "left_elbow",
    "right_elbow", "left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index", "right_index",
    "left_thumb", "right_thumb", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
    "left_heel", "right_heel", "left_foot_index", "right_foot_index",
)
COUNT = len(NAMES)
INDEX = {name: i for i, name in enumerate(NAMES)}

NOSE = 0
L_EAR, R_EAR = 7, 8
L_SHOULDER, R_SHOULDER = 11, 12
L_ELBOW, R_ELBOW = 13, 14
L_WRIST, R_WRIST = 15, 16
L_INDEX, R_INDEX = 19, 20
L_HIP, R_HIP = 23, 24
L_KNEE, R_KNEE = 25, 26
L_ANKLE, R_ANKLE = 27, 28
L_HEEL, R_HEEL = 29, 30
L_TOE, R_TOE = 31, 32

SIDES = {
    "left": {"shoulder": L_SHOULDER, "elbow": L_ELBOW, "wrist": L_WRIST, "index": L_INDEX, "hip": L_HIP,
             "knee": L_KNEE, "ankle": L_ANKLE, "heel": L_HEEL, "toe": L_TOE, "ear": L_EAR},
    "right": {"shoulder": R_SHOULDER, "elbow": R_ELBOW, "wrist": R_WRIST, "index": R_INDEX, "hip": R_HIP,
              "knee": R_KNEE, "ankle": R_ANKLE, "heel": R_HEEL, "toe": R_TOE, "ear": R_EAR},
}

# Bones drawn on the annotated video.
SKELETON = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (11, 23), (12, 24), (23, 24),
    (23, 25), (25, 27), (27, 29), (29, 31), (27, 31), (24, 26), (26, 28), (28, 30), (30, 32), (28, 32),
    (0, 7), (0, 8),
)
# Landmarks used to match a person from one frame to the next (torso and legs: stable, rarely occluded).
TRACKING_POINTS = (11, 12, 23, 24, 25, 26, 27, 28)

# Index of each landmark's left/right counterpart (the nose maps to itself).
MIRROR = tuple(
    INDEX[name.replace("left", "@").replace("right", "left").replace("@", "right")] for name in NAMES
)
