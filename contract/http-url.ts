import { z } from 'zod';

/**
 * An http(s) URL for the cloud's and the kiosk's configuration. `z.url()` alone takes `localhost:8080`
 * as a URL with the scheme `localhost:` and `ftp://…` as any other; both fail only at the first request.
 */
export const httpUrl = () => z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
