/**
 * `npm run sim -- <name> [args]`: runs one simulator as its own program, passing the remaining args.
 * - `hopper`: a ccTalk hopper on a pty (sim/hopper/main.ts); prints `{"device":"/tmp/.../A"}`.
 */
export {};

const SIMULATORS: Record<string, () => Promise<unknown>> = {
  hopper: () => import('./hopper/main'),
};

const [name, ...rest] = process.argv.slice(2);
const load = name ? SIMULATORS[name] : undefined;
if (!load) {
  process.stderr.write(`usage: npm run sim -- <${Object.keys(SIMULATORS).join('|')}> [args]; got ${JSON.stringify(name ?? '')}\n`);
  process.exit(2);
} else {
  // The simulator parses process.argv itself: hand it only its own args.
  process.argv = [process.argv[0]!, process.argv[1]!, ...rest];
  await load();
}
