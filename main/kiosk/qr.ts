import QRCode from 'qrcode';

/**
 * The kiosk's QR codes (issue 16 "as easy to scan as possible"): the least dense code the text allows.
 * Error correction L (7 %: a screen is flat, clean and lit, so the extra redundancy of M/Q/H only adds
 * modules) and qrcode's optimal segment split (numeric/alphanumeric/byte runs), which it computes for
 * a plain string. A URI is case-sensitive, so it is never upper-cased to fit the alphanumeric mode.
 * The quiet zone is QR_MARGIN modules of white, with the screen's white frame around it.
 */
export const QR_ERROR_CORRECTION = 'L' as const;
export const QR_MARGIN = 2;

/** SVG markup of the QR code for `text`. */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: QR_ERROR_CORRECTION, margin: QR_MARGIN });
}

/** The QR version (1–40; module count 17 + 4 × version) qrSvg uses for `text`. */
export function qrVersion(text: string): number {
  return QRCode.create(text, { errorCorrectionLevel: QR_ERROR_CORRECTION }).version;
}
