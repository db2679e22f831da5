import { execFile } from 'node:child_process';

/**
 * Runs the technician CLI (`npx tsx main/hardware/cli.ts --port PATH ...args`) as its own process and
 * parses its one JSON line. KIOSK_DATA_DIR defaults to a folder that does not exist, never the
 * checkout's own data folder.
 */
export function runCli(port: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; json: Record<string, unknown> }> {
  return new Promise((resolve) => {
    const fullEnv = { ...process.env, KIOSK_DATA_DIR: '/nonexistent/roluatm-cli-test', ...env };
    execFile('npx', ['tsx', 'main/hardware/cli.ts', '--port', port, ...args], { cwd: process.cwd(), env: fullEnv }, (err, stdout) => {
      const lines = stdout.trim().split('\n');
      resolve({ code: err ? Number(err.code ?? 1) : 0, json: lines.length === 1 ? (JSON.parse(lines[0]!) as Record<string, unknown>) : { stdout } });
    });
  });
}
