/**
 * The log fields that carry secrets (STYLE.md: never a secret in a log), for the kiosk's and the
 * cloud's pino `redact` option alike. Each name is redacted at the top level and one level down.
 *
 * `code` is not here: it is an error's reason code (`limit_reached`, `nonce_invalid`, …), which a
 * technician needs to read. An enrolment code is logged only as `enrollment_code`, if at all.
 */
const SECRET_FIELDS = [
  'token',
  'authorization',
  'signing_key',
  'signature',
  'apiKey',
  'api_key',
  'pin',
  'new_pin',
  'enrollment_code',
  'ENROLLMENT_CODE',
  'OPERATOR_TOKEN',
] as const;

export const LOG_REDACT_PATHS: string[] = [
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]),
  'headers.authorization',
  '*.headers.authorization',
];
