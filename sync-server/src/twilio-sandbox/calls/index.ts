/**
 * The sandbox's simulated calls: CallSimulation runs one inbound call's TwiML (simulation.ts), with one
 * executor per verb (verbs/), the call's shared state and requests (line.ts), its recordings (recording.ts),
 * its legs' status callbacks (leg-status.ts), the bridged conversation (conversation.ts) and its clock.
 */
export { CallSimulation } from './simulation';
export * from './types';
