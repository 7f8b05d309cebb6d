// The live set-up coach and movement cues, in the page. The same steps as movement_screen/app/live.py (coach,
// setup_messages, SquatCues, PostureCues, SingleLegCues, SitToStandCues, LiveCues, positive); every number and
// word comes from movement_screen/data/live_coach.toml, passed in by the server, and tests/test_live_coach.py runs
// both on the same landmarks and checks they agree.

export const NOSE = 0, L_SHOULDER = 11, R_SHOULDER = 12, L_WRIST = 15, R_WRIST = 16, L_HIP = 23, R_HIP = 24,
  L_KNEE = 25, R_KNEE = 26, L_ANKLE = 27, R_ANKLE = 28, L_HEEL = 29, R_HEEL = 30;
const FEET = [L_ANKLE, R_ANKLE, L_HEEL, R_HEEL];

// xy: 33 [x, y] picture fractions.
function view(xy, setup) {
  const shoulders = Math.abs(xy[L_SHOULDER][0] - xy[R_SHOULDER][0]);
  const trunk = Math.abs((xy[L_HIP][1] + xy[R_HIP][1]) / 2 - (xy[L_SHOULDER][1] + xy[R_SHOULDER][1]) / 2);
  const ratio = shoulders / Math.max(trunk, 1e-6);
  return ratio < setup.side_ratio ? "side" : ratio > setup.front_ratio ? "front" : "oblique";
}

export function setupMessages(people, xy, visibility, screen, setup) {
  const say = setup.messages;
  if (people === 0 || !xy) return [say.nobody];
  const messages = [];
  if (people > 1) messages.push(say.several);
  const seen = setup.min_visibility, edge = setup.edge;
  const feetOut = FEET.some((j) => visibility[j] < seen) || FEET.some((j) => xy[j][1] > 1 - edge);
  if (feetOut) messages.push(say.feet);
  if (xy[NOSE][1] < edge || visibility[NOSE] < seen) messages.push(say.head);
  const ankles = (xy[L_ANKLE][1] + xy[R_ANKLE][1]) / 2;
  if (!feetOut && ankles - xy[NOSE][1] < setup.min_body) messages.push(say.small);
  if (setup.sideways_screens.includes(screen)) {
    const seenFrom = view(xy, setup);
    if (seenFrom === "front") messages.push(say.sideways);
    else if (seenFrom === "oblique") messages.push(say.turn_more); // part-way round: side square to the camera
  }
  return messages.length ? messages : [say.good];
}

export class SquatCues {
  constructor(squat, setup) {
    this.cfg = squat;
    this.setup = setup;
    this.reps = 0;
    this.down = false;
    this.standingHip = null;
    this.deepest = 0;
    this.depthReached = false;
  }

  update(xy, time = 0) { // time: the same call as the other cues
    const c = this.cfg, say = c.messages;
    const hip = (xy[L_HIP][1] + xy[R_HIP][1]) / 2;
    const knee = (xy[L_KNEE][1] + xy[R_KNEE][1]) / 2;
    const ankle = (xy[L_ANKLE][1] + xy[R_ANKLE][1]) / 2;
    const leg = Math.max(ankle - hip, 1e-6);
    if (this.standingHip === null || (!this.down && hip < this.standingHip)) this.standingHip = hip;
    const drop = (hip - this.standingHip) / Math.max(ankle - this.standingHip, 1e-6);
    if (!this.down && drop > c.down_drop) {
      this.down = true;
      this.deepest = drop;
      this.depthReached = false;
    }
    if (this.down) {
      this.deepest = Math.max(this.deepest, drop);
      this.depthReached = this.depthReached || hip >= knee - c.depth_margin * leg;
      if (drop < c.up_drop) {
        this.down = false;
        this.reps += 1;
      }
    }
    const cues = [say.repetitions.replace("{reps}", String(this.reps))];
    if (this.down) cues.push(this.depthReached ? say.depth : say.not_yet);
    if (view(xy, this.setup) === "front") {
      const knees = Math.abs(xy[L_KNEE][0] - xy[R_KNEE][0]);
      const ankles = Math.abs(xy[L_ANKLE][0] - xy[R_ANKLE][0]);
      cues.push(knees < c.knees_in_ratio * ankles ? say.knees_in : say.knees_ok);
    }
    return cues;
  }
}

const distance = (dx, dy) => Math.sqrt(dx * dx + dy * dy);
const mid = (xy, left, right) => [(xy[left][0] + xy[right][0]) / 2, (xy[left][1] + xy[right][1]) / 2];

// Standing posture: the seconds the hips and shoulders have stayed still, up to hold_s (live.py PostureCues).
export class PostureCues {
  constructor(posture) {
    this.cfg = posture;
    this.down = false;
    this.history = []; // [time, mid-hip x, y, mid-shoulder x, y]
    this.stillSince = null;
    this.done = false;
  }

  update(xy, time = 0) {
    const c = this.cfg, say = c.messages;
    const [hx, hy] = mid(xy, L_HIP, R_HIP);
    const [sx, sy] = mid(xy, L_SHOULDER, R_SHOULDER);
    if (this.history.length && time < this.history[this.history.length - 1][0]) this.history = []; // a new clock
    if (this.history.length && time === this.history[this.history.length - 1][0]) this.history.pop(); // same moment
    this.history.push([time, hx, hy, sx, sy]);
    const window = c.window_s;
    while (this.history.length > 1 && this.history[1][0] <= time - window) this.history.shift();
    const then = this.history[0];
    const span = Math.max(time - then[0], window);
    const hip = distance(hx - then[1], hy - then[2]) / span;
    const shoulder = distance(sx - then[3], sy - then[4]) / span;
    const hold = c.hold_s;
    const done = say.done.replace("{hold}", String(hold));
    if (this.done) return [done];
    if (Math.max(hip, shoulder) >= c.still_speed) {
      this.stillSince = null;
      return [say.hold_still];
    }
    if (this.stillSince === null) this.stillSince = time;
    const held = time - this.stillSince + 1e-6; // a whole second shows as that second despite the clock's rounding
    if (held >= hold) {
      this.done = true;
      return [done];
    }
    return [say.counting.replace("{held}", String(Math.floor(held))),
      say.more.replace("{left}", String(Math.ceil(hold - held)))];
  }
}

// Single-leg squat (front view): repetitions per stance leg (the person's own left and right), the stance knee
// against the hip-to-ankle line at depth, and the lifted foot touching down (live.py SingleLegCues).
export class SingleLegCues {
  constructor(cfg, setup) {
    this.cfg = cfg;
    this.setup = setup;
    this.left = 0;
    this.right = 0;
    this.down = false;
    this.stance = null;
    this.standingHip = null;
    this.lost = false;
  }

  update(xy, time = 0) {
    const c = this.cfg, say = c.messages;
    const hip = (xy[L_HIP][1] + xy[R_HIP][1]) / 2;
    if (this.standingHip === null || (!this.down && hip < this.standingHip)) this.standingHip = hip;
    const lower = xy[L_ANKLE][1] >= xy[R_ANKLE][1] ? "left" : "right"; // the foot on the floor
    const stance = this.down ? this.stance : lower;
    const [ankle, other] = stance === "left" ? [L_ANKLE, R_ANKLE] : [R_ANKLE, L_ANKLE];
    const leg = Math.max(xy[ankle][1] - this.standingHip, 1e-6);
    const lift = (xy[ankle][1] - xy[other][1]) / leg;
    const drop = (hip - this.standingHip) / leg;
    const lifted = lift > c.lift;
    if (this.down && lift < c.touch) { // the lifted foot came down mid-repetition: not counted
      this.down = false;
      this.lost = true;
    } else if (!this.down && !this.lost && lifted && drop > c.down_drop) { // after a touch-down: back up first
      this.down = true;
      this.stance = stance;
    } else if (this.down && drop < c.up_drop) {
      this.down = false;
      if (stance === "left") this.left += 1;
      else this.right += 1;
    }
    if (this.lost && lifted && drop < c.up_drop) this.lost = false; // back up on one leg
    const cues = [say.repetitions.replace("{left}", String(this.left)).replace("{right}", String(this.right))];
    if (this.lost) cues.push(say.foot_down);
    if (!this.down && !lifted) cues.push(say.lift);
    if (this.down && view(xy, this.setup) === "front") {
      const [hipJ, kneeJ, otherHip] = this.stance === "left" ? [L_HIP, L_KNEE, R_HIP] : [R_HIP, R_KNEE, L_HIP];
      const along = (xy[kneeJ][1] - xy[hipJ][1]) / Math.max(xy[ankle][1] - xy[hipJ][1], 1e-6);
      const line = xy[hipJ][0] + along * (xy[ankle][0] - xy[hipJ][0]); // the hip-to-ankle line at the knee
      const inward = xy[otherHip][0] > xy[hipJ][0] ? 1.0 : -1.0; // toward the other hip: the midline
      const inside = (xy[kneeJ][0] - line) * inward / leg;
      cues.push(inside > c.knee_in ? say.knee_in : say.knee_ok);
    }
    return cues;
  }
}

// Sit-to-stand (side view): full stands, and the time of the first five from the first rise (live.py
// SitToStandCues).
export class SitToStandCues {
  constructor(cfg) {
    this.cfg = cfg;
    this.stands = 0;
    this.seated = false;
    this.down = false;
    this.tallest = 0;
    this.seatTime = null;
    this.firstRise = null;
    this.elapsed = null;
  }

  update(xy, time = 0) {
    const c = this.cfg, say = c.messages;
    const hip = (xy[L_HIP][1] + xy[R_HIP][1]) / 2;
    const knee = (xy[L_KNEE][1] + xy[R_KNEE][1]) / 2;
    const ankle = (xy[L_ANKLE][1] + xy[R_ANKLE][1]) / 2;
    this.tallest = Math.max(this.tallest, ankle - hip);
    const standing = Math.max(this.tallest, c.shin_ratio * (ankle - knee), 1e-6);
    const onSeat = hip >= knee - c.seated * standing;
    if (onSeat) {
      this.seated = true;
      this.seatTime = time;
    }
    const up = ankle - hip >= c.standing * standing;
    const rising = this.seated && !onSeat && !up; // off the seat, not yet standing
    if (this.seated && up) {
      this.seated = false;
      this.stands += 1;
      if (this.firstRise === null) this.firstRise = this.seatTime;
      if (this.stands === c.stands) this.elapsed = time - this.firstRise;
    }
    this.down = !up;
    const cues = [say.stands.replace("{stands}", String(this.stands))];
    if (this.elapsed !== null) {
      const tenths = Math.floor(this.elapsed * 10 + 0.5);
      cues.push(say.done, say.time.replace("{seconds}", `${Math.floor(tenths / 10)}.${tenths % 10}`));
    }
    const wrist = Math.min(xy[L_WRIST][1], xy[R_WRIST][1]); // the higher wrist
    if (rising && hip - wrist < c.arms_above_hips * standing) cues.push(say.arms);
    return cues;
  }
}

// The movement cues of the screen being filmed: a fresh counter whenever the screen changes (live.py LiveCues).
export class LiveCues {
  constructor(config) {
    this.config = config; // the whole of live_coach.toml
    this.screen = null;
    this.current = null;
  }

  forScreen(screen) {
    if (screen !== this.screen) {
      const c = this.config;
      this.screen = screen;
      this.current = screen === "squat" || screen === "auto" ? new SquatCues(c.squat, c.setup)
        : screen === "posture" ? new PostureCues(c.posture)
          : screen === "single_leg_squat" ? new SingleLegCues(c.single_leg_squat, c.setup)
            : screen === "sit_to_stand" ? new SitToStandCues(c.sit_to_stand) : null;
    }
    return this.current;
  }

  get down() {
    return Boolean(this.current && this.current.down);
  }
}

// A message shown in green: set-up good, a count, a cue met (live.py positive).
export function isPositive(text, config) {
  const c = config;
  const exact = [c.setup.messages.good, c.squat.messages.depth, c.squat.messages.knees_ok,
    c.single_leg_squat.messages.knee_ok, c.sit_to_stand.messages.done,
    c.posture.messages.done.replace("{hold}", String(c.posture.hold_s))];
  const counts = [c.squat.messages.repetitions, c.single_leg_squat.messages.repetitions,
    c.sit_to_stand.messages.stands, c.sit_to_stand.messages.time, c.posture.messages.more]
    .map((words) => words.split("{")[0]);
  return exact.includes(text) || counts.some((start) => text.startsWith(start));
}

// One frame: every pose found (xy[k], visibility[k]) at time (the frame's timestamp, seconds) -> the main
// person's index, set-up messages and the screen's movement cues.
export function coach(cues, poses, visibilities, screen, setup, time) {
  let main = null;
  let tallest = -Infinity;
  poses.forEach((xy, k) => {
    const ys = xy.map((p) => p[1]);
    const extent = Math.max(...ys) - Math.min(...ys);
    if (extent > tallest) {
      tallest = extent;
      main = k;
    }
  });
  let messages = setupMessages(poses.length, main === null ? null : poses[main],
    main === null ? null : visibilities[main], screen, setup);
  const tracker = cues.forScreen(screen);
  const said = main !== null && tracker !== null ? tracker.update(poses[main], time) : [];
  if (cues.down) { // crouching or seated makes anyone small: judge the distance standing
    messages = messages.filter((m) => m !== setup.messages.small);
    if (!messages.length) messages = [setup.messages.good];
  }
  return { main, messages, cues: said };
}
