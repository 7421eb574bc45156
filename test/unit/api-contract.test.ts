import assert from 'node:assert/strict';
import type { AppDomainsResponse, LetsencryptResponse, MountsResponse, PortsReport, AppResponse, AppsListResponse, BuildsListResponse, ConfigChangeResponse, ProcessReportResponse } from '../../app/api-contract';
import type { AppProcessReport as ServerReport } from '../../app/processes';
import type { DomainsReport as ServerDomains } from '../../app/domains';
import type { CertReport as ServerCert } from '../../app/certs/certs-service';
import type { ProcessReportResponse as CliReportResponse } from '../../app/cli/api-types';
import type { AppDetail as CliAppDetail } from '../../app/cli/api-types';
import type { AppInfo } from '../../app/apps';
import type { BuildRecord } from '../../app/ports/store';

/*
 * One typed API contract (app/api-contract) shared by the server and the CLI (issue 18). The
 * routes check their answers with `satisfies` and the CLI reads them through the same types, so a
 * drift is a compile error on both sides. The `@ts-expect-error` lines below are the proof, checked
 * at every build: if a drift stopped being an error, tsc would fail on the unused directive.
 */

/** What GET /api/v1/apps/:app answers (AppsService.info) is what the CLI reads. */
const answer = (info: AppInfo): AppResponse => ({ app: info });
const cliReads = (r: AppResponse): CliAppDetail => r.app;

// A server whose app record renamed a field no longer satisfies the contract:
type ServerRenamed = Omit<AppInfo, 'deployBranch'> & { readonly branch: string };
// @ts-expect-error deployBranch is missing from the answer
const drifted = (info: ServerRenamed): AppResponse => ({ app: info });
// A server that changes a field's type neither:
// @ts-expect-error url must stay a string (or null)
const wrongType = (info: AppInfo): AppResponse => ({ app: { ...info, url: 8080 } });
// A CLI that reads a field the contract lacks does not compile:
// @ts-expect-error the contract has no `branch`
const readsMissing = (r: AppResponse): string => r.app.branch;
// Builds answered with their one-line description; a list without it is refused:
// @ts-expect-error description is part of each listed build
const noDescription = (b: BuildRecord): BuildsListResponse => ({ builds: [b] });
// ps:report, domains and config answer the contract's shapes too; the server's types are the contract's:
const psAnswer = (r: ServerReport): CliReportResponse => ({ report: r });
// @ts-expect-error the limits that apply are part of the report
const noApplied = (r: Omit<ServerReport, 'applied'>): ProcessReportResponse => ({ report: r });
// @ts-expect-error `all` (what the router serves) is part of an app's domains
const noAll = (d: Omit<ServerDomains, 'all'>): AppDomainsResponse => ({ domains: d });
// @ts-expect-error a config change says whether anything changed
const noChanged = (config: Record<string, string>): ConfigChangeResponse => ({ config, build: null });
// @ts-expect-error ports:report says which mappings the router uses
const noInUse = (ports: string[]): PortsReport => ({ ports, source: 'ports:set' });
// @ts-expect-error a mount says whether it is a volume or a host folder
const noKind = (m: { app: string; source: string; target: string; createdAt: string }): MountsResponse => ({ mounts: [m] });
// @ts-expect-error a certificate shown by letsencrypt says when it expires
const noExpiry = (app: string, cert: Omit<ServerCert, 'expiresInDays'>): LetsencryptResponse => ({ letsencrypt: { app, enabled: true, cert } });

describe('the API contract shared by server and CLI', () => {
  it('an app as the server answers it reads back as the CLI reads it, field for field', () => {
    const info: AppInfo = {
      id: 'u1', name: 'shop', createdAt: 'now', deployBranch: 'main', builder: null, buildpack: null, restartPolicy: 'unless-stopped',
      memoryMb: null, cpus: null, locked: false, currentRelease: 3, domains: ['shop.test'], url: 'http://shop.test',
    };
    const read = cliReads(JSON.parse(JSON.stringify(answer(info))) as AppResponse);
    assert.equal(read.deployBranch, 'main');
    assert.equal(read.currentRelease, 3);
    assert.deepEqual(read.domains, ['shop.test']);
    const list: AppsListResponse = { apps: [{ ...info, status: 'running' }] };
    assert.equal(list.apps[0].status, 'running');
    // The drifted shapes above exist only for tsc.
    assert.deepEqual([drifted, wrongType, readsMissing, noDescription, psAnswer, noApplied, noAll, noChanged, noInUse, noExpiry, noKind].map((f) => typeof f), Array(11).fill('function'));
  });
});
