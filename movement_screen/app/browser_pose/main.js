// The camera in the page: MediaPipe's web pose landmarker runs here, on the patient's device, from files the app
// serves itself (./vendor, ./model). The page draws the skeleton and the coach live; "Stop and score" sends only
// the landmark series (picture and world coordinates, timestamps, frame size) to the server, and the recorded
// video only when the page was told the patient ticked "also send the video".
// Talks to Streamlit with the components protocol (postMessage: componentReady, render, setComponentValue).

import { coach, isPositive, LiveCues } from "./coach.js";

const SKELETON = [[11, 12], [11, 13], [13, 15], [12, 14], [14, 16], [11, 23], [12, 24], [23, 24], [23, 25],
  [25, 27], [27, 29], [29, 31], [27, 31], [24, 26], [26, 28], [28, 30], [30, 32], [28, 32], [0, 7], [0, 8]];
const MAX_SECONDS = 60; // a recording stops by itself after this long

const video = document.getElementById("video");
const canvas = document.getElementById("canvas");
const ctx = canvas.getContext("2d");
const status = document.getElementById("status");
const engine = document.getElementById("engine");
const buttons = { camera: document.getElementById("camera"), record: document.getElementById("record"),
  stop: document.getElementById("stop") };

let args = null;
let landmarker = null;
let cues = null;
let recording = null; // {t0, frames: [], recorder, chunks}
let frames = 0;
let rateStart = 0;
let lastVideoTime = -1;

function send(type, extra) {
  window.parent.postMessage({ isStreamlitMessage: true, type, ...extra }, "*");
}
function setHeight() { send("streamlit:setFrameHeight", { height: document.body.scrollHeight + 10 }); }
function setValue(value) { send("streamlit:setComponentValue", { value, dataType: "json" }); }

window.addEventListener("message", (event) => {
  if (event.data && event.data.type === "streamlit:render") {
    args = event.data.args;
    cues = cues || new LiveCues(args.coach); // a fresh counter when the screen changes
    setHeight();
  }
});
send("streamlit:componentReady", { apiVersion: 1 });
setHeight();

async function loadModel() {
  if (typeof WebAssembly !== "object") {
    setValue({ unsupported: "this browser cannot run WebAssembly" });
    status.textContent = "This browser cannot run the pose model: the page switches to the server's camera.";
    return null;
  }
  status.textContent = "Loading the pose model in this browser...";
  const vision = await import("./vendor/vision_bundle.mjs");
  const fileset = await vision.FilesetResolver.forVisionTasks(new URL("./vendor/wasm", location.href).href);
  const made = await vision.PoseLandmarker.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: new URL("./model/pose_landmarker_full.task", location.href).href,
      delegate: "CPU" },
    runningMode: "VIDEO", numPoses: 2,
  });
  engine.textContent = `Pose model: running in this browser (MediaPipe tasks-vision ${args.runtime_version}).`;
  return made;
}

function draw(result, main) {
  ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
  (result.landmarks || []).forEach((pose, k) => {
    ctx.strokeStyle = k === main ? "rgb(0,200,255)" : "rgb(170,170,170)";
    ctx.lineWidth = k === main ? 3 : 1;
    for (const [a, b] of SKELETON) {
      ctx.beginPath();
      ctx.moveTo(pose[a].x * canvas.width, pose[a].y * canvas.height);
      ctx.lineTo(pose[b].x * canvas.width, pose[b].y * canvas.height);
      ctx.stroke();
    }
  });
  if (recording) {
    ctx.fillStyle = "rgb(230,30,30)";
    ctx.beginPath();
    ctx.arc(canvas.width - 24, 24, 10, 0, 2 * Math.PI);
    ctx.fill();
  }
}

const round = (v, n) => Math.round(v * n) / n;

function onFrame(now, meta) {
  const time = meta && meta.mediaTime !== undefined ? meta.mediaTime : video.currentTime;
  if (landmarker && time !== lastVideoTime && video.videoWidth) {
    lastVideoTime = time;
    const result = landmarker.detectForVideo(video, performance.now());
    const poses = (result.landmarks || []).map((p) => p.map((q) => [q.x, q.y]));
    const vis = (result.landmarks || []).map((p) => p.map((q) => q.visibility ?? 0));
    const said = coach(cues, poses, vis, args.screen, args.coach.setup, time);
    draw(result, said.main);
    frames += 1;
    const rate = frames / Math.max((performance.now() - rateStart) / 1000, 1e-3);
    const lines = said.messages.slice(0, 2).concat(said.cues).map(
      (m) => `<span class="${isPositive(m, args.coach) ? "good" : "warn"}">${m}</span>`);
    let tail = `Frames processed: ${frames} (${rate.toFixed(1)} per second)`;
    if (recording) {
      recording.frames.push({
        t: round(time - recording.t0, 1e6),
        poses: (result.landmarks || []).map((p, k) => ({
          xy: p.map((q) => [round(q.x, 1e6), round(q.y, 1e6)]),
          vis: p.map((q) => round(q.visibility ?? 0, 1e4)),
          world: (result.worldLandmarks[k] || []).map((q) => [round(q.x, 1e5), round(q.y, 1e5), round(q.z, 1e5)]),
        })),
      });
      tail += ` | Recording: ${recording.frames.length} frames`;
      if (time - recording.t0 > MAX_SECONDS) stop();
    }
    status.innerHTML = `<b>Set-up:</b> ${lines.join(" / ")}<br>${tail}`;
  }
  schedule();
}

function schedule() {
  if ("requestVideoFrameCallback" in HTMLVideoElement.prototype) video.requestVideoFrameCallback(onFrame);
  else requestAnimationFrame((now) => onFrame(now, null));
}

buttons.camera.onclick = async () => {
  buttons.camera.disabled = true;
  try {
    landmarker = landmarker || await loadModel();
    if (!landmarker) return;
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 } }, audio: false });
    video.srcObject = stream;
    await video.play();
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    rateStart = performance.now();
    buttons.record.disabled = false;
    schedule();
  } catch (error) {
    buttons.camera.disabled = false;
    status.textContent = `The camera could not start: ${error.message || error}. Allow the camera for this page, ` +
      "or record on the phone and upload the video instead.";
  }
  setHeight();
};

buttons.record.onclick = () => {
  recording = { t0: video.currentTime, frames: [], chunks: [], recorder: null };
  if (args.send_video && "MediaRecorder" in window) {
    recording.recorder = new MediaRecorder(video.srcObject);
    const rec = recording;
    rec.recorder.ondataavailable = (e) => { if (e.data.size) rec.chunks.push(e.data); };
    rec.recorder.start(1000); // a chunk every second
  }
  buttons.record.disabled = true;
  buttons.stop.disabled = false;
};

async function videoBase64(rec) {
  if (!rec.recorder) return null;
  await new Promise((resolve) => { rec.recorder.onstop = resolve; rec.recorder.stop(); });
  const blob = new Blob(rec.chunks, { type: rec.recorder.mimeType || "video/webm" });
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { data: btoa(text), type: blob.type };
}

async function stop() {
  if (!recording) return;
  const rec = recording;
  recording = null;
  buttons.stop.disabled = true;
  buttons.record.disabled = false;
  status.innerHTML += "<br>Sending the landmarks to be scored...";
  setValue({
    capture: `${Date.now()}-${Math.random().toString(36).slice(2)}`,
    engine: "browser",
    width: video.videoWidth, height: video.videoHeight,
    frames: rec.frames,
    video: await videoBase64(rec),
  });
}
buttons.stop.onclick = stop;
