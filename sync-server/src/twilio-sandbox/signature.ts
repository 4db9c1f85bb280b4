import crypto from 'node:crypto';

/**
 * X-Twilio-Signature as Twilio computes it for a form-encoded webhook
 * (https://www.twilio.com/docs/usage/webhooks/webhooks-security): take the full URL Twilio requested
 * (scheme, host, port if any, path and query string), append every POST parameter name followed by its value,
 * names sorted alphabetically (a repeated name contributes each of its values, in sorted order), then
 * HMAC-SHA1 with the auth token as key, base64-encoded. GET requests sign the URL alone.
 *
 * Deliberately written from the documented algorithm rather than borrowed from the twilio package, so the
 * tests that verify these signatures with `twilio.validateRequest` check two independent implementations.
 */
export function twilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string | string[]> = {},
): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    const values = Array.isArray(value) ? [...value].sort() : [value];
    for (const v of values) data += name + v;
  }
  return crypto.createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}
