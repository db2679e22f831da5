/**
 * The kiosk's logo and pictures (issue 16 "A designed look"): inline SVG shipped with the app, drawn
 * in the palette (currentColor and the CSS variables of styles.css), nothing fetched. Decorative
 * pictures are aria-hidden: the words beside them say the same.
 */

/** The RoluATM mark: a quarter with an R, and the name beside it. */
export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 180 40" role="img" aria-label="RoluATM">
      <circle cx="20" cy="20" r="17" fill="var(--accent)" />
      <circle cx="20" cy="20" r="12.5" fill="none" stroke="var(--accent-text)" strokeWidth="1.6" strokeDasharray="2 2.2" />
      <text x="20" y="26.5" textAnchor="middle" fontSize="18" fontWeight="800" fill="var(--accent-text)">R</text>
      <text x="46" y="28" fontSize="22" fontWeight="800" fill="currentColor" letterSpacing="0.5">Rolu<tspan fill="var(--accent)">ATM</tspan></text>
    </svg>
  );
}

/** Step 1: a finger on a keypad choosing an amount. */
export function StepChooseArt() {
  return (
    <svg className="step-art" viewBox="0 0 96 96" aria-hidden="true">
      <rect x="14" y="8" width="68" height="80" rx="10" fill="var(--panel)" stroke="currentColor" strokeWidth="3" />
      <rect x="22" y="16" width="52" height="16" rx="4" fill="var(--bg)" />
      <text x="48" y="29" textAnchor="middle" fontSize="12" fontWeight="800" fill="var(--accent)">$10</text>
      {[0, 1, 2].map((r) => [0, 1, 2].map((c) => <rect key={`${r}${c}`} x={23 + c * 18} y={40 + r * 15} width="14" height="11" rx="3" fill={r === 1 && c === 1 ? 'var(--accent)' : 'currentColor'} opacity={r === 1 && c === 1 ? 1 : 0.55} />))}
    </svg>
  );
}

/** Step 2: a phone showing a QR code. */
export function StepScanArt() {
  return (
    <svg className="step-art" viewBox="0 0 96 96" aria-hidden="true">
      <rect x="26" y="6" width="44" height="84" rx="8" fill="var(--panel)" stroke="currentColor" strokeWidth="3" />
      <rect x="33" y="22" width="30" height="30" rx="2" fill="#fff" />
      <path d="M35 24h9v9h-9zM52 24h9v9h-9zM35 41h9v9h-9zM48 38h4v4h-4zM54 44h7v7h-7zM48 46h3v5h-3z" fill="#0f1a2b" />
      <rect x="36" y="62" width="24" height="6" rx="3" fill="var(--accent)" />
      <circle cx="48" cy="80" r="3" fill="currentColor" />
    </svg>
  );
}

/** Step 3: coins dropping into the cup. */
export function StepTakeArt() {
  return (
    <svg className="step-art" viewBox="0 0 96 96" aria-hidden="true">
      <circle cx="38" cy="20" r="9" fill="var(--accent)" />
      <circle cx="58" cy="34" r="9" fill="var(--accent)" />
      <path d="M16 56h64l-8 30H24z" fill="var(--panel)" stroke="currentColor" strokeWidth="3" strokeLinejoin="round" />
      <ellipse cx="48" cy="58" rx="22" ry="4" fill="var(--accent)" />
    </svg>
  );
}

/** The dispensing screen's pointer to the coin cup below the screen (issue 16). */
export function CoinCupArrow() {
  return (
    <svg className="cup-arrow" viewBox="0 0 64 64" aria-hidden="true">
      <circle cx="32" cy="12" r="9" fill="var(--accent)" />
      <path d="M32 24v28M18 40l14 14 14-14" fill="none" stroke="currentColor" strokeWidth="6" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
