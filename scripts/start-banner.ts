/**
 * What `npm start` prints once everything runs: every URL a demo needs, and the operator's access
 * to the fleet API (the token is demo-only, made in the data folder; README "What `npm start` shows").
 */
export interface BannerInput {
  kioskLine: string;
  phoneUrl: string;
  cloudUrl: string;
  operatorToken: string;
  /** Issue 17: the operator console and its demo account. */
  consoleUrl?: string;
  consoleOperator?: { email: string; password: string };
  adminPin: string;
  dataDir: string;
}

/** The fleet API call the banner shows, as a runnable curl line. */
export function fleetCurl(cloudUrl: string, operatorToken: string): string {
  return `curl -H "Authorization: Bearer ${operatorToken}" ${cloudUrl}/v1/fleet/kiosks`;
}

export function startBanner(b: BannerInput): string {
  return `
RoluATM is running.
  Kiosk screen:    ${b.kioskLine}
  Simulated phone: ${b.phoneUrl}   (or click the QR code, or copy the link under it, on the kiosk screen)
  Cloud API:       ${b.cloudUrl}
  Operator token:  ${b.operatorToken}   (bearer token for /v1/fleet/* and /metrics)
  Fleet API:       ${fleetCurl(b.cloudUrl, b.operatorToken)}
${b.consoleUrl && b.consoleOperator ? `  Console:         ${b.consoleUrl}   log in as ${b.consoleOperator.email} / ${b.consoleOperator.password} (asks for a new password at first login)
` : ''}  Admin screen:    tap the RoluATM logo 5 times within 3 s, PIN ${b.adminPin} (unless changed there)
These URLs stay the same on the next start (ports and page token kept in ${b.dataDir}).
Open the kiosk screen, pick an amount, press "Cash out", then approve on the simulated phone.
Press Ctrl+C to stop.`;
}
