import { execFile } from 'node:child_process';

/** What git says about a working copy. */
export interface GitInfo {
  commit: string;
  branch?: string;
  /** Uncommitted changes to tracked files. */
  dirty: boolean;
  repoUrl?: string;
}

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 5000, windowsHide: true }, (err, stdout) => resolve(err ? undefined : stdout.trim()));
  });
}

/**
 * The commit, branch, dirty flag and origin URL of the git working copy at `cwd`, or undefined when
 * it is not one (or git is not installed).
 *
 * @example
 * const info = await readGitInfo(process.cwd()); // { commit: '3f2a...', branch: 'main', dirty: false }
 */
export async function readGitInfo(cwd: string): Promise<GitInfo | undefined> {
  const commit = await git(cwd, ['rev-parse', 'HEAD']);
  if (!commit) return undefined;
  const [branch, status, repoUrl] = await Promise.all([
    git(cwd, ['rev-parse', '--abbrev-ref', 'HEAD']),
    git(cwd, ['status', '--porcelain', '--untracked-files=no']),
    git(cwd, ['config', '--get', 'remote.origin.url']),
  ]);
  return {
    commit,
    ...(branch && branch !== 'HEAD' ? { branch } : {}),
    dirty: status !== undefined && status !== '',
    ...(repoUrl ? { repoUrl } : {}),
  };
}
