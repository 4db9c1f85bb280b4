import querystring from 'node:querystring';
import twilio from 'twilio';

/**
 * Signs a form body as Twilio does (X-Twilio-Signature: HMAC-SHA1 of the public URL plus the sorted
 * parameters), over the parameters exactly as the server's form parser will see them — repeated keys become
 * arrays, nothing is dropped — so even hostile bodies arrive validly signed.
 */
export function signedForm(
  authToken: string,
  publicUrl: string,
  body: string,
): { headers: Record<string, string>; body: string } {
  const params = querystring.parse(body, '&', '=', { maxKeys: 0 }) as Record<string, string | string[]>;
  const signature = twilio.getExpectedTwilioSignature(authToken, publicUrl, params);
  return { headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body };
}

/** A form body from parameters (values percent-encoded). */
export const formBody = (params: Record<string, string | number>): string =>
  Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
