import type { Request } from 'express';
import twilio from 'twilio';

/**
 * Checks X-Twilio-Signature the way Twilio computes it: HMAC-SHA1 of the full public URL the webhook was sent
 * to plus the sorted POST parameters, keyed with the account's auth token.
 * https://www.twilio.com/docs/usage/webhooks/webhooks-security
 *
 * The URL is rebuilt from PUBLIC_BASE_URL (not the Host header), so it is right behind a reverse proxy.
 */
export function isValidTwilioRequest(req: Request, authToken: string, publicBaseUrl: string): boolean {
  const signature = req.header('x-twilio-signature');
  if (!signature) return false;
  const url = publicBaseUrl + req.originalUrl;
  const params = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, string>;
  return twilio.validateRequest(authToken, signature, url, params);
}
