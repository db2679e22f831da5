/**
 * `npm run sim -- <name> [args]`: runs simulators as their own program, passing the remaining args.
 * - `hopper`: a ccTalk hopper on a pty (sim/hopper/main.ts); prints `{"device":"/tmp/.../A"}`.
 * - `worldid`: the World ID bridge, fake Developer Portal and simulated phone page (sim/worldid/main.ts);
 *   prints the env lines for `npm run cloud` and `npm run kiosk`.
 * - `all`: `worldid` plus a hopper on a pty (its `HOPPER_PORT` among the env lines).
 */
export {};

const SIMULATORS: Record<string, { load: () => Promise<unknown>; args?: string[] }> = {
  hopper: { load: () => import('./hopper/main') },
  worldid: { load: () => import('./worldid/main') },
  all: { load: () => import('./worldid/main'), args: ['--hopper'] },
};

const [name, ...rest] = process.argv.slice(2);
const sim = name ? SIMULATORS[name] : undefined;
if (!sim) {
  process.stderr.write(`usage: npm run sim -- <${Object.keys(SIMULATORS).join('|')}> [args]; got ${JSON.stringify(name ?? '')}\n`);
  process.exit(2);
} else {
  // The simulator parses process.argv itself: hand it only its own args.
  process.argv = [process.argv[0]!, process.argv[1]!, ...(sim.args ?? []), ...rest];
  await sim.load();
}
