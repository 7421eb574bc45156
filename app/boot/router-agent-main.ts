import { asBerthError } from '../errors';
import { runRouterAgentProcess } from './router-agent-boot';

/**
 * The router agent image's entry (berth/router-agent, `berth router:deploy`): `berth router-agent`
 * without main.ts's imports, so the image carries only the packages the agent loads.
 */
runRouterAgentProcess((line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`)).catch((e) => {
  const err = asBerthError(e);
  process.stderr.write(`berth: ${err.code}: ${err.message}\n`);
  process.exit(1);
});
