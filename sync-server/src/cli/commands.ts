import type { Command } from 'commander';
import { registerAnalysisCommands } from '../analysis/cli';
import { registerErasureCommands } from '../erasure/cli';
import { registerPrivacyCommands } from '../privacy/cli';
import { registerRetentionCommands } from '../retention/cli';
import { registerSandboxCommands } from '../twilio-sandbox/cli';
import { registerPoolCommands } from '../twilio/pool-cli';
import { registerLeadQualityCommands } from '../leads/quality-cli';
import { registerTierCommands } from '../tiers/cli';
import { registerMetricsCommands } from '../metrics/cli';
import type { CliEnv } from './env';

/**
 * Commands contributed by the server's modules (pool, sandbox, erase, analyse …). Each module adds a
 * `register…Commands(program, env)` call here.
 */
export function registerCliCommands(program: Command, env: () => CliEnv): void {
  registerErasureCommands(program, env);
  registerPrivacyCommands(program, env);
  registerRetentionCommands(program, env);
  registerAnalysisCommands(program, env);
  registerSandboxCommands(program, env);
  registerPoolCommands(program, env);
  registerLeadQualityCommands(program, env);
  registerTierCommands(program, env);
  registerMetricsCommands(program, env);
}
