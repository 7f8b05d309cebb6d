// The live set-up coach and squat cues, in the page. The same steps as movement_screen/app/live.py (coach,
// setup_messages, SquatCues); every number and word comes from movement_screen/data/live_coach.toml, passed in
// by the server, and tests/test_live_coach.py runs both on the same landmarks and checks they agree.

export const NOSE = 0, L_SHOULDER = 11, R_SHOULDER = 12, L_HIP = 23, R_HIP = 24, L_KNEE = 25, R_KNEE = 26,
  L_ANKLE = 27, R_ANKLE = 28, L_HEEL = 29, R_HEEL = 30;
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

  update(xy) {
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

// One frame: every pose found (xy[k], visibility[k]) -> the main person's index, set-up messages and cues.
export function coach(cues, poses, visibilities, screen, setup) {
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
  const said = main !== null && (screen === "squat" || screen === "auto") ? cues.update(poses[main]) : [];
  if (cues.down) {
    messages = messages.filter((m) => m !== setup.messages.small);
    if (!messages.length) messages = [setup.messages.good];
  }
  return { main, messages, cues: said };
}
