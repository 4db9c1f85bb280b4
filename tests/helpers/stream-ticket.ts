/**
 * A live stream URL as the app opens it: with a single-use ticket asked for with the session token
 * (POST /api/auth/stream-ticket), never the token itself.
 */
export async function ticketedStreamUrl(baseUrl: string, streamPath: string, token: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/stream-ticket`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  if (res.status !== 200) throw new Error(`stream ticket refused: ${res.status} ${await res.text()}`);
  const { ticket } = (await res.json()) as { ticket: string };
  const url = new URL(streamPath, baseUrl);
  url.searchParams.set('ticket', ticket);
  return url.toString();
}
