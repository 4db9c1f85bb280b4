import type { PromptVerb } from '../twiml';

/** Words per second of Twilio's text-to-speech, near enough to time prompts. */
function sayDuration(text: string): number {
  const words = text.split(/\s+/).filter(Boolean).length;
  return Math.round((0.4 + words / 2.6) * 10) / 10;
}

/** Seconds a <Say>, <Play> or <Pause> takes, with its loops (loop="0" is taken as three). */
export function promptDuration(p: PromptVerb): number {
  const loops = p.kind === 'Pause' ? 1 : p.loop === 0 ? 3 : p.loop;
  if (p.kind === 'Say') return sayDuration(p.text) * loops;
  if (p.kind === 'Play') return 3 * loops;
  return p.length;
}
