export { createRpContext, generateSigningKeyHex, isValidSigningKeyHex, RP_ID_PATTERN, signingPublicKeyHex, RpSigningConfigError, DEFAULT_RP_TTL_SEC } from './rp-context';
export type { RpContextConfig } from './rp-context';
export { verifyWithPortal, PortalUnavailableError } from './portal-client';
export type { PortalConfig, PortalVerdict } from './portal-client';
export { checkResultAgainstTransaction, parseNullifier, IdKitResultSchema } from './check-result';
export type { CheckResultOutcome, IdKitResult } from './check-result';
export { checkCredentialPolicy, ORB_V3_IDENTIFIER, ORB_V4_IDENTIFIER, ORB_V4_ISSUER_SCHEMA_ID } from './credential-policy';
export type { CredentialPolicy, CredentialVerdict } from './credential-policy';
