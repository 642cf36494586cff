import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGraphqlClient } from '#lib/graphql/client.ts';
import { fakeGateway } from '#lib/testing/fake-gateway.ts';
import { reloadOnApproval } from './approvals.ts';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const decision = (status: string) => ({ progressReportChanged: { id: 'r1', status } });

describe('reloadOnApproval', () => {
  it("follows one programme's report decisions and reloads on approvals only", async () => {
    const gateway = fakeGateway(() => Response.json({ data: {} }));
    vi.stubGlobal('fetch', gateway.fetch);
    const reload = vi.fn();
    const approvals = reloadOnApproval(createGraphqlClient('http://hub.test/graphql'), 'programme-1', reload);
    approvals.start();
    await vi.waitFor(() => expect(gateway.streams).toHaveLength(1));
    expect(gateway.subscriptions[0]?.query).toMatch(/progressReportChanged\(programmeId: \$programmeId\)/);
    expect(gateway.subscriptions[0]?.variables).toEqual({ programmeId: 'programme-1' });

    gateway.send(/progressReportChanged/, decision('SUBMITTED'));
    gateway.send(/progressReportChanged/, decision('REJECTED'));
    gateway.send(/progressReportChanged/, decision('APPROVED'));
    await vi.waitFor(() => expect(reload).toHaveBeenCalledTimes(1));
    approvals.stop();
  });

  it('reloads when the stream comes back, since an approval may have been missed', async () => {
    const gateway = fakeGateway(() => Response.json({ data: {} }));
    vi.stubGlobal('fetch', gateway.fetch);
    const reload = vi.fn();
    const approvals = reloadOnApproval(createGraphqlClient('http://hub.test/graphql'), null, reload, {
      retryDelay: () => 0,
    });
    approvals.start();
    await vi.waitFor(() => expect(gateway.streams).toHaveLength(1));
    expect(reload).not.toHaveBeenCalled();
    gateway.end();
    await vi.waitFor(() => expect(gateway.streams).toHaveLength(2));
    await vi.waitFor(() => expect(reload).toHaveBeenCalledTimes(1));
    approvals.stop();
  });
});
