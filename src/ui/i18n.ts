/**
 * Korean and English labels. The choice is kept in localStorage; switching re-renders
 * the current view. A key missing in Korean falls back to English, so a new label never
 * shows as a raw key.
 */

const EN = {
  title: 'Haetae console', login: 'Sign in', token: 'API token', tokenHint: 'Create one with: haetae token create --name me --role read',
  logout: 'Sign out', query: 'Query', alerts: 'Alerts', prevalence: 'Prevalence', hosts: 'Hosts', tree: 'Process tree',
  run: 'Run', running: 'Running…', rows: 'rows', truncated: 'truncated at the row limit', limit: 'Page size', paged: 'paged by', history: 'History',
  downloadCsv: 'CSV', downloadJson: 'JSON', noRows: 'No rows.', line: 'line', column: 'column', live: 'live', offline: 'reconnecting',
  time: 'Time', name: 'Name', level: 'Level', host: 'Host', count: 'Count', source: 'Source', alert: 'Alert', back: 'Back',
  processTree: 'Process tree', ancestors: 'Ancestors', sysmonEvidence: 'Sysmon evidence', securityEvidence: 'Security evidence',
  connections: 'Network connections of', outbound: 'outbound to a public address', noTwin: 'No matching event in this log.',
  events: 'Events of', relatedEvents: 'Related events', sha256: 'SHA256', images: 'Images', first: 'First seen', last: 'Last seen',
  spread: 'Spread', patientZero: 'Patient zero', hostsSeen: 'Hosts', onlyRare: 'Rarest first', expandAll: 'Expand all',
  collapseAll: 'Collapse all', notFound: 'Not found', processNotFound: 'The alert\'s process is not in the stored events.',
  inferred: 'Its creation is not in the stored events; what the child\'s event says about its parent:',
  hideAllowed: 'hide the allowlisted',
  language: '한국어', fields: 'Fields', loading: 'Loading…', error: 'Error', newAlert: 'new',
};

type Key = keyof typeof EN;

const KO: Partial<Record<Key, string>> = {
  title: '해태 콘솔', login: '로그인', token: 'API 토큰', tokenHint: '토큰 만들기: haetae token create --name me --role read',
  logout: '로그아웃', query: '쿼리', alerts: '경보', prevalence: '해시 빈도', hosts: '호스트', tree: '프로세스 트리',
  run: '실행', running: '실행 중…', rows: '행', truncated: '행 한도에서 잘림', limit: '페이지 크기', paged: '페이지 단위', history: '기록',
  noRows: '결과 없음.', line: '줄', column: '열', live: '실시간', offline: '재연결 중',
  time: '시각', name: '이름', level: '수준', host: '호스트', count: '건수', source: '출처', alert: '경보', back: '뒤로',
  processTree: '프로세스 트리', ancestors: '상위 프로세스', sysmonEvidence: 'Sysmon 증거', securityEvidence: '보안 로그 증거',
  connections: '네트워크 연결:', outbound: '공인 주소로 나가는 연결', noTwin: '이 로그에는 해당 이벤트가 없습니다.',
  events: '이벤트:', relatedEvents: '관련 이벤트', images: '이미지', first: '처음 발견', last: '마지막 발견',
  spread: '확산', patientZero: '최초 감염 호스트', hostsSeen: '호스트 수', onlyRare: '드문 것부터', expandAll: '모두 펼치기',
  collapseAll: '모두 접기', notFound: '찾을 수 없음', processNotFound: '경보의 프로세스가 저장된 이벤트에 없습니다.',
  inferred: '생성 이벤트가 저장되어 있지 않음. 자식 이벤트가 기록한 부모 정보:',
  hideAllowed: '허용 목록 숨기기',
  language: 'English', fields: '필드', loading: '불러오는 중…', error: '오류', newAlert: '새 경보',
};

/** The console's languages. */
export type Lang = 'en' | 'ko';

const LANG_KEY = 'haetae.lang';

/** The current language (stored choice, else the browser's). */
export function lang(): Lang {
  const stored = localStorage.getItem(LANG_KEY);
  if (stored === 'en' || stored === 'ko') return stored;
  return navigator.language.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

/** Chooses the language. */
export function setLang(l: Lang): void {
  localStorage.setItem(LANG_KEY, l);
  document.documentElement.lang = l;
}

/** A label in the current language. */
export function t(key: Key): string {
  return (lang() === 'ko' ? KO[key] : undefined) ?? EN[key];
}
