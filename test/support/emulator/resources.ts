/**
 * Builders of GitHub REST resources with every field GitHub's OpenAPI description requires, so that the
 * emulator's answers have the real shape (checked in test/integration/emulator-openapi.test.ts).
 */

export interface Urls {
  api: string;
  uploads: string;
  web: string;
}

const ISO = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const timestamp = ISO;

export function user(urls: Urls, login: string, id: number, type: 'Bot' | 'User' = 'User') {
  const base = `${urls.api}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `${urls.web}/avatars/${id}`,
    gravatar_id: '',
    url: base,
    html_url: `${urls.web}/${encodeURIComponent(login)}`,
    followers_url: `${base}/followers`,
    following_url: `${base}/following{/other_user}`,
    gists_url: `${base}/gists{/gist_id}`,
    starred_url: `${base}/starred{/owner}{/repo}`,
    subscriptions_url: `${base}/subscriptions`,
    organizations_url: `${base}/orgs`,
    repos_url: `${base}/repos`,
    events_url: `${base}/events{/privacy}`,
    received_events_url: `${base}/received_events`,
    type,
    site_admin: false,
  };
}

export function repository(urls: Urls, fullName: string, id: number, owner: ReturnType<typeof user>) {
  const api = `${urls.api}/repos/${fullName}`;
  const web = `${urls.web}/${fullName}`;
  const now = ISO(Date.UTC(2026, 0, 1));
  const t = (path: string) => `${api}/${path}`;
  return {
    id,
    node_id: `R_${id}`,
    name: fullName.split('/')[1]!,
    full_name: fullName,
    owner,
    private: false,
    html_url: web,
    description: null,
    fork: false,
    url: api,
    archive_url: t('{archive_format}{/ref}'),
    assignees_url: t('assignees{/user}'),
    blobs_url: t('git/blobs{/sha}'),
    branches_url: t('branches{/branch}'),
    collaborators_url: t('collaborators{/collaborator}'),
    comments_url: t('comments{/number}'),
    commits_url: t('commits{/sha}'),
    compare_url: t('compare/{base}...{head}'),
    contents_url: t('contents/{+path}'),
    contributors_url: t('contributors'),
    deployments_url: t('deployments'),
    downloads_url: t('downloads'),
    events_url: t('events'),
    forks_url: t('forks'),
    git_commits_url: t('git/commits{/sha}'),
    git_refs_url: t('git/refs{/sha}'),
    git_tags_url: t('git/tags{/sha}'),
    git_url: `git://127.0.0.1/${fullName}.git`,
    hooks_url: t('hooks'),
    issue_comment_url: t('issues/comments{/number}'),
    issue_events_url: t('issues/events{/number}'),
    issues_url: t('issues{/number}'),
    keys_url: t('keys{/key_id}'),
    labels_url: t('labels{/name}'),
    languages_url: t('languages'),
    merges_url: t('merges'),
    milestones_url: t('milestones{/number}'),
    notifications_url: t('notifications{?since,all,participating}'),
    pulls_url: t('pulls{/number}'),
    releases_url: t('releases{/id}'),
    ssh_url: `git@127.0.0.1:${fullName}.git`,
    stargazers_url: t('stargazers'),
    statuses_url: t('statuses/{sha}'),
    subscribers_url: t('subscribers'),
    subscription_url: t('subscription'),
    tags_url: t('tags'),
    teams_url: t('teams'),
    trees_url: t('git/trees{/sha}'),
    clone_url: `${web}.git`,
    mirror_url: null,
    svn_url: web,
    homepage: null,
    language: null,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 0,
    default_branch: 'main',
    open_issues: 0,
    open_issues_count: 0,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    archived: false,
    disabled: false,
    license: null,
    pushed_at: now,
    created_at: now,
    updated_at: now,
  };
}

export function label(urls: Urls, fullName: string, name: string, id: number) {
  return {
    id,
    node_id: `LA_${id}`,
    url: `${urls.api}/repos/${fullName}/labels/${encodeURIComponent(name)}`,
    name,
    description: null,
    color: 'ededed',
    default: false,
  };
}
