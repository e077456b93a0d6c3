/**
 * A national deployment as production starts one: `init` with ROOT_UNIT=VN (63 provinces,
 * 705 districts, 10,599 communes), then `serve`, an administrator signed in, and a campaign
 * over the whole country.
 */
import type { Snapshot } from '@tiendo/shared';
import { command, Session, startServe, type ProductionServer } from './production.js';

export interface NationalCampaign {
  server: ProductionServer;
  admin: Session;
  communes: string[];
}

export async function nationalCampaign(
  env: Record<string, string>,
  metrics: { key: string; name: string }[] = [{ key: 'cccd', name: 'Thu nhận CCCD gắn chip' }],
): Promise<NationalCampaign> {
  // Loading the whole country takes a while on a busy machine.
  const { stdout } = await command(['init', '--admin', 'quantri', '--name', 'Quản trị'], { ...env, ROOT_UNIT: 'VN' }, 600_000);
  const oneTime = /One-time password: (\S+)/.exec(stdout)![1];
  const server = await startServe({ ...env, ROOT_UNIT: 'VN' }, 300_000);
  const admin = new Session(server.url);
  await admin.signIn('quantri', oneTime);
  await admin.request('POST', '/api/v1/session/password', { current: oneTime, password: 'mật khẩu quản trị' });
  const today = new Date().toISOString().slice(0, 10);
  await admin.request('POST', '/api/v1/campaigns', {
    id: 'ca-nuoc', name: 'Thu nhận CCCD toàn quốc', startDate: today, rootUnit: 'VN', metrics, milestones: [],
  });
  const snapshot = await admin.request<Snapshot>('GET', '/api/v1/campaigns/ca-nuoc/snapshot?scope=VN');
  const communes = snapshot.body.units.filter((u) => u.level === 'commune').map((u) => u.code);
  return { server, admin, communes };
}
