import path from 'node:path';
import type { LoggedModel } from '@loupe/protocol';
import { RunTagKey } from '@loupe/protocol/attributes';
import type { LoupeClient } from '../client/loupe-client.js';
import { readGitInfo } from './git-info.js';

/**
 * Which logged model later traces belong to: an existing one by id, or one by name (reused when the
 * experiment has one, else created). With `autoVersion: 'git'` the name gets the git commit
 * (`agent-3f2a1bc`, `-dirty` with uncommitted changes) and the model the git tags, so every commit
 * is a version.
 *
 * @example
 * await setActiveModel({ name: 'support-agent', autoVersion: 'git' });
 */
export type ActiveModelTarget = { modelId: string } | { name?: string; autoVersion?: 'git'; tags?: Record<string, string>; cwd?: string };

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * Resolves a target to a logged model (creating it when needed).
 *
 * @example
 * const model = await resolveActiveModel(client, '1', { name: 'agent' });
 */
export async function resolveActiveModel(client: LoupeClient, experimentId: string, target: ActiveModelTarget): Promise<LoggedModel> {
  if ('modelId' in target) return client.getLoggedModel(target.modelId);
  let name = target.name;
  const tags: Record<string, string> = { ...target.tags };
  if (target.autoVersion === 'git') {
    const cwd = target.cwd ?? process.cwd();
    const git = await readGitInfo(cwd);
    if (!git) throw new Error(`autoVersion 'git': ${cwd} is not a git working copy (or git is not installed)`);
    name = `${name ?? path.basename(cwd)}-${git.commit.slice(0, 7)}${git.dirty ? '-dirty' : ''}`;
    tags[RunTagKey.GIT_COMMIT] = git.commit;
    tags[RunTagKey.GIT_DIRTY] = String(git.dirty);
    if (git.branch) tags[RunTagKey.GIT_BRANCH] = git.branch;
    if (git.repoUrl) tags[RunTagKey.GIT_REPO_URL] = git.repoUrl;
  }
  if (!name) throw new Error('setActiveModel needs a name, a modelId, or autoVersion: "git"');
  const found = await client.searchLoggedModels({
    experimentIds: [experimentId],
    filter: `name = ${quote(name)}`,
    maxResults: 1,
    orderBy: [{ fieldName: 'creation_timestamp', ascending: false }],
  });
  if (found.items[0]) return found.items[0];
  const created = await client.createLoggedModel({ experimentId, name, tags });
  return client.finalizeLoggedModel(created.info.model_id);
}
