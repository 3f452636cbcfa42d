/**
 * What a Windows fleet runs, as data for the Sysmon event generator (generator.ts):
 * programs with their version resources, parents, users and activities; the DLLs they
 * load; the domains they resolve; the files, registry values and pipes they touch.
 *
 * Where the values come from: image paths, version resources (Description, Product,
 * Company, OriginalFileName), command-line shapes, parent/child pairs, GrantedAccess
 * masks, CallTrace shapes, registry paths with their `Details` forms (`DWORD (0x…)`,
 * `Binary Data`) and DNS `QueryResults` (`type:  5 …;::ffff:…;`) follow the Sysmon
 * events in ../shared/corpus (the NXLog export of MKT01 and the EVTX samples); hashes,
 * IPs, user names and host names are invented.
 */

/** Who a process runs as: a service account, the host's interactive user, or an IIS pool. */
export type RunAs = 'system' | 'local' | 'network' | 'user' | 'iis';

/**
 * Event activity weights of one program: how much, relative to other programs, it shows
 * up as the actor of Sysmon 3 (net), 22 (dns), 11 (file), 12/13 (reg), 10 (access, as
 * the source), 7 (load) and 17/18 (pipe).
 */
export interface Activity {
  readonly net: number;
  readonly dns: number;
  readonly file: number;
  readonly reg: number;
  readonly access: number;
  readonly load: number;
  readonly pipe: number;
}

/** Where a program's connections and DNS queries go. */
export type Traffic = 'web' | 'microsoft' | 'corp' | 'none';

/** A program of the fleet: one executable with its version resource and habits. */
export interface Program {
  /** Stable key (also used to derive its hashes). */
  readonly key: string;
  /** Image path; `{user}` stands for the profile folder name of the host's user. */
  readonly path: string;
  /** FileVersion; `{build}` is the host's Windows build (`10.0.19041.3803`). */
  readonly version: string;
  readonly description: string;
  readonly product: string;
  readonly company: string;
  readonly originalFileName: string;
  /** The key of the program that usually starts it. */
  readonly parent: string;
  readonly runAs: RunAs;
  readonly integrity: 'System' | 'High' | 'Medium' | 'Low';
  /** Command lines; `{image}` is the Image path, `{user}` the profile folder, `{n}` a small number. */
  readonly commandLines: readonly string[];
  /** Relative frequency of its process creations (the Zipf-like head of the image distribution). */
  readonly starts: number;
  /** Typical lifetime: short ones exit within seconds, long ones stay for hours. */
  readonly lifetime: 'short' | 'long';
  readonly traffic: Traffic;
  readonly activity: Activity;
  /** Already running when the log starts (no Sysmon 1 unless restarted): services.exe, explorer.exe … */
  readonly boot?: boolean;
  /** Only on hosts with this role. */
  readonly role?: HostRole;
  /** True when the file is the same on every Windows build (third-party software). */
  readonly sameOnEveryBuild?: boolean;
}

/** What a host is for; decides its boot processes and software. */
export type HostRole = 'workstation' | 'web' | 'dc' | 'file';

const MS = 'Microsoft Corporation';
const WIN = 'Microsoft® Windows® Operating System';
const WINVER = '{build} (WinBuild.160101.0800)';

const act = (net: number, dns: number, file: number, reg: number, access: number, load: number, pipe: number): Activity => ({ net, dns, file, reg, access, load, pipe });
const QUIET = act(0, 0, 0, 0, 0, 0, 0);

/** A Windows binary (hash differs per build). */
function win(key: string, path: string, description: string, originalFileName: string, parent: string, runAs: RunAs, integrity: Program['integrity'],
  commandLines: readonly string[], starts: number, lifetime: Program['lifetime'], traffic: Traffic, activity: Activity, extra: Partial<Program> = {}): Program {
  return { key, path, version: WINVER, description, product: WIN, company: MS, originalFileName, parent, runAs, integrity, commandLines, starts, lifetime, traffic, activity, ...extra };
}

/** A third-party or separately versioned binary (one hash fleet-wide). */
function app(key: string, path: string, version: string, description: string, product: string, company: string, originalFileName: string, parent: string,
  runAs: RunAs, integrity: Program['integrity'], commandLines: readonly string[], starts: number, lifetime: Program['lifetime'], traffic: Traffic, activity: Activity): Program {
  return { key, path, version, description, product, company, originalFileName, parent, runAs, integrity, commandLines, starts, lifetime, traffic, activity, sameOnEveryBuild: true };
}

const S32 = 'C:\\Windows\\System32\\';
const CHROME = 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe';
const EDGE = 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe';

/**
 * The fleet's programs, roughly in order of how often they start (the head of the
 * distribution; the long tail is {@link tailPrograms}).
 */
export const PROGRAMS: readonly Program[] = [
  // Running before the log starts.
  win('system', 'System', '', '', 'system', 'system', 'System', [''], 0, 'long', 'corp', act(6, 0, 8, 2, 0, 0, 2), { boot: true }),
  win('smss', `${S32}smss.exe`, 'Windows Session Manager', 'smss.exe', 'system', 'system', 'System', ['\\SystemRoot\\System32\\smss.exe'], 0, 'long', 'none', QUIET, { boot: true }),
  win('csrss', `${S32}csrss.exe`, 'Client Server Runtime Process', 'CSRSS.Exe', 'smss', 'system', 'System', ['%SystemRoot%\\system32\\csrss.exe ObjectDirectory=\\Windows SharedSection=1024,20480,768 Windows=On SubSystemType=Windows ServerDll=basesrv,1 ServerDll=winsrv:UserServerDllInitialization,3 ServerDll=sxssrv,4 ProfileControl=Off MaxRequestThreads=16'], 0, 'long', 'none', act(0, 0, 0, 0, 6, 0, 0), { boot: true }),
  win('wininit', `${S32}wininit.exe`, 'Windows Start-Up Application', 'WinInit.exe', 'smss', 'system', 'System', ['wininit.exe'], 0, 'long', 'none', QUIET, { boot: true }),
  win('services', `${S32}services.exe`, 'Services and Controller app', 'services.exe', 'wininit', 'system', 'System', ['C:\\Windows\\system32\\services.exe'], 0, 'long', 'none', act(0, 0, 0, 40, 2, 0, 0), { boot: true }),
  win('lsass', `${S32}lsass.exe`, 'Local Security Authority Process', 'lsass.exe', 'wininit', 'system', 'System', ['C:\\Windows\\system32\\lsass.exe'], 0, 'long', 'corp', act(10, 3, 1, 6, 6, 2, 4), { boot: true }),
  win('svchost-dcom', `${S32}svchost.exe`, 'Host Process for Windows Services', 'svchost.exe', 'services', 'system', 'System', ['C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p'], 0, 'long', 'none', act(0, 0, 2, 12, 8, 2, 1), { boot: true }),
  win('svchost-netsvcs', `${S32}svchost.exe`, 'Host Process for Windows Services', 'svchost.exe', 'services', 'system', 'System', ['C:\\Windows\\system32\\svchost.exe -k netsvcs -p'], 0, 'long', 'microsoft', act(30, 25, 30, 60, 6, 10, 2), { boot: true }),
  win('svchost-netsvc', `${S32}svchost.exe`, 'Host Process for Windows Services', 'svchost.exe', 'services', 'network', 'System', ['C:\\Windows\\System32\\svchost.exe -k NetworkService -p'], 0, 'long', 'corp', act(40, 60, 2, 4, 0, 1, 0), { boot: true }),
  win('svchost-local', `${S32}svchost.exe`, 'Host Process for Windows Services', 'svchost.exe', 'services', 'local', 'System', ['C:\\Windows\\system32\\svchost.exe -k LocalServiceNetworkRestricted -p'], 0, 'long', 'corp', act(20, 4, 2, 8, 0, 1, 0), { boot: true }),
  win('spoolsv', `${S32}spoolsv.exe`, 'Spooler SubSystem App', 'spoolsv.exe', 'services', 'system', 'System', ['C:\\Windows\\System32\\spoolsv.exe'], 0, 'long', 'none', act(0, 0, 1, 3, 0, 1, 1), { boot: true }),
  { ...app('msmpeng', 'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24030.9-0\\MsMpEng.exe', '4.18.24030.9 (WinBuild.160101.0800)', 'Antimalware Service Executable', WIN, MS, 'MsMpEng.exe', 'services', 'system', 'System', ['"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24030.9-0\\MsMpEng.exe"'], 0, 'long', 'microsoft', act(6, 6, 20, 10, 60, 6, 0)), boot: true },
  win('searchindexer', `${S32}SearchIndexer.exe`, 'Microsoft Windows Search Indexer', 'SearchIndexer.exe', 'services', 'system', 'System', ['C:\\Windows\\system32\\SearchIndexer.exe /Embedding'], 0, 'long', 'none', act(0, 0, 12, 10, 2, 2, 1), { boot: true, role: 'workstation' }),
  win('explorer', 'C:\\Windows\\explorer.exe', 'Windows Explorer', 'EXPLORER.EXE', 'userinit', 'user', 'Medium', ['C:\\Windows\\Explorer.EXE'], 0, 'long', 'microsoft', act(2, 4, 14, 40, 2, 8, 2), { boot: true, role: 'workstation' }),
  win('w3wp', `${S32}inetsrv\\w3wp.exe`, 'IIS Worker Process', 'w3wp.exe', 'svchost-netsvcs', 'iis', 'High', ['c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "DefaultAppPool" -v "v4.0" -l "webengine4.dll" -a \\\\.\\pipe\\iisipm5b8a7e3c-4c3f-4a0e-9b1a-3f0d2c6e7a51 -h "C:\\inetpub\\temp\\apppools\\DefaultAppPool\\DefaultAppPool.config" -w "" -m 0'], 0, 'long', 'none', act(80, 0, 10, 3, 0, 4, 2), { boot: true, role: 'web' }),
  win('dns-server', `${S32}dns.exe`, 'Domain Name System (DNS) Server', 'dns.exe', 'services', 'system', 'System', ['C:\\Windows\\system32\\dns.exe'], 0, 'long', 'web', act(60, 0, 0, 4, 0, 0, 0), { boot: true, role: 'dc' }),
  // The head of the process-creation distribution.
  win('conhost', `${S32}conhost.exe`, 'Console Window Host', 'CONHOST.EXE', 'cmd', 'system', 'System', ['\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1', '\\??\\C:\\Windows\\system32\\conhost.exe 0x4'], 260, 'short', 'none', act(0, 0, 0, 0, 0, 1, 0)),
  win('svchost', `${S32}svchost.exe`, 'Host Process for Windows Services', 'svchost.exe', 'services', 'system', 'System', ['C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s BITS', 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule', 'C:\\Windows\\System32\\svchost.exe -k wsappx -p -s ClipSVC', 'C:\\Windows\\system32\\svchost.exe -k UnistackSvcGroup -s CDPUserSvc_{n}', 'C:\\Windows\\System32\\svchost.exe -k LocalSystemNetworkRestricted -p -s PcaSvc'], 200, 'long', 'microsoft', act(10, 10, 6, 20, 2, 6, 1)),
  win('backgroundtaskhost', `${S32}backgroundTaskHost.exe`, 'Background Task Host', 'backgroundTaskHost.exe', 'svchost-dcom', 'user', 'Low', ['"C:\\Windows\\system32\\backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountBackgroundTask', '"C:\\Windows\\system32\\BackgroundTaskHost.exe" -ServerName:CortanaUI.AppX8z9r6jm96hw4bsbneegw0kyxx296wr9t.mca'], 150, 'short', 'microsoft', act(2, 3, 2, 6, 0, 4, 0), { role: 'workstation' }),
  app('chrome', CHROME, '124.0.6367.119', 'Google Chrome', 'Google Chrome', 'Google LLC', 'chrome.exe', 'explorer', 'user', 'Medium', [`"${CHROME}"`, `"${CHROME}" --type=renderer --lang=en-US --renderer-client-id={n} --time-ticks-at-unix-epoch=-1714520000000000 --launch-time-ticks=8743210000 --field-trial-handle=1980,i,1234567890123456789,9876543210987654321,262144 --mojo-platform-channel-handle=3312 /prefetch:1`, `"${CHROME}" --type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US --service-sandbox-type=none --mojo-platform-channel-handle=2108 /prefetch:8`], 140, 'long', 'web', act(60, 40, 30, 8, 1, 10, 6)),
  win('runtimebroker', `${S32}RuntimeBroker.exe`, 'Runtime Broker', 'RuntimeBroker.exe', 'svchost-dcom', 'user', 'Medium', ['C:\\Windows\\System32\\RuntimeBroker.exe -Embedding'], 110, 'long', 'none', act(0, 0, 2, 10, 0, 3, 0), { role: 'workstation' }),
  app('msedge', EDGE, '124.0.2478.80', 'Microsoft Edge', 'Microsoft Edge', MS, 'msedge.exe', 'explorer', 'user', 'Medium', [`"${EDGE}" --profile-directory=Default`, `"${EDGE}" --type=renderer --instant-process --lang=en-US --js-flags=--ms-user-locale= --renderer-client-id={n} --mojo-platform-channel-handle=4120 /prefetch:1`, `"${EDGE}" --type=gpu-process --gpu-preferences=UAAAAAAAAADgAAAYAAAAAAAAAAAAAAAAAABgAAAAAAAwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA --mojo-platform-channel-handle=1752 /prefetch:2`], 100, 'long', 'web', act(50, 36, 26, 10, 1, 10, 6)),
  win('taskhostw', `${S32}taskhostw.exe`, 'Host Process for Windows Tasks', 'taskhostw.exe', 'svchost-netsvcs', 'user', 'Medium', ['taskhostw.exe {222A245B-E637-4AE9-A93F-A59CA119A75E}', 'taskhostw.exe Install $(Arg0)', 'taskhostw.exe -RegisterDevice -ProtectionStateChanged -FreeNetworkOnly'], 80, 'short', 'microsoft', act(1, 2, 2, 8, 0, 3, 0)),
  win('wmiprvse', `${S32}wbem\\WmiPrvSE.exe`, 'WMI Provider Host', 'Wmiprvse.exe', 'svchost-dcom', 'network', 'System', ['C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding', 'C:\\Windows\\system32\\wbem\\wmiprvse.exe -Embedding'], 70, 'long', 'corp', act(3, 1, 2, 12, 10, 6, 1)),
  win('searchprotocolhost', `${S32}SearchProtocolHost.exe`, 'Microsoft Windows Search Protocol Host', 'SearchProtocolHost.exe', 'searchindexer', 'system', 'System', ['"C:\\Windows\\system32\\SearchProtocolHost.exe" Global\\UsGthrFltPipeMssGthrPipe{n}_ Global\\UsGthrCtrlFltPipeMssGthrPipe{n} 1 -2147483646 "Software\\Microsoft\\Windows Search" "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)" "C:\\ProgramData\\Microsoft\\Search\\Data\\Temp\\usgthrsvc" "DownLevelDaemon"'], 60, 'short', 'none', act(0, 0, 4, 2, 0, 3, 0), { role: 'workstation' }),
  win('searchfilterhost', `${S32}SearchFilterHost.exe`, 'Microsoft Windows Search Filter Host', 'SearchFilterHost.exe', 'searchindexer', 'system', 'System', ['"C:\\Windows\\system32\\SearchFilterHost.exe" 0 820 824 832 8192 828 804'], 55, 'short', 'none', act(0, 0, 2, 1, 0, 3, 0), { role: 'workstation' }),
  win('dllhost', `${S32}dllhost.exe`, 'COM Surrogate', 'dllhost.exe', 'svchost-dcom', 'user', 'Medium', ['C:\\Windows\\system32\\DllHost.exe /Processid:{3EB3C877-1F16-487C-9050-104DBCD66683}', 'C:\\Windows\\system32\\DllHost.exe /Processid:{AB8902B4-09CA-4BB6-B78D-A8F59079A8D5}'], 50, 'short', 'none', act(0, 0, 3, 8, 0, 4, 0)),
  win('cmd', `${S32}cmd.exe`, 'Windows Command Processor', 'Cmd.Exe', 'explorer', 'user', 'Medium', ['"C:\\Windows\\system32\\cmd.exe" ', 'C:\\Windows\\system32\\cmd.exe /c ""C:\\Users\\{user}\\AppData\\Local\\Temp\\cleanup.bat" "', 'cmd.exe /c ipconfig /all', 'C:\\Windows\\system32\\cmd.exe /d /c "git rev-parse --show-toplevel"'], 45, 'short', 'none', act(0, 0, 3, 0, 0, 2, 0)),
  app('teams', 'C:\\Users\\{user}\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe', '1.7.00.7956', 'Microsoft Teams', 'Microsoft Teams', MS, 'Teams.exe', 'explorer', 'user', 'Medium', ['"C:\\Users\\{user}\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe" --system-initiated', '"C:\\Users\\{user}\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe" --type=renderer --autoplay-policy=no-user-gesture-required --renderer-client-id={n} /prefetch:1'], 40, 'long', 'microsoft', act(30, 20, 16, 6, 0, 6, 4)),
  win('compattelrunner', `${S32}CompatTelRunner.exe`, 'Microsoft Compatibility Telemetry', 'CompatTelRunner.exe', 'svchost-netsvcs', 'system', 'System', ['C:\\Windows\\system32\\compattelrunner.exe', 'C:\\Windows\\system32\\CompatTelRunner.exe -m:appraiser.dll -f:DoScheduledTelemetryRun -cv:{n}', 'C:\\Windows\\system32\\CompatTelRunner.exe -m:invagent.dll -f:RunUpdate -cv:{n}'], 30, 'short', 'microsoft', act(3, 3, 10, 30, 1, 6, 0)),
  app('mpcmdrun', 'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24030.9-0\\MpCmdRun.exe', '4.18.24030.9 (WinBuild.160101.0800)', 'Microsoft Malware Protection Command Line Utility', WIN, MS, 'MpCmdRun.exe', 'msmpeng', 'system', 'System', ['"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24030.9-0\\MpCmdRun.exe" SignatureUpdate -ScheduleJob -RestrictPrivileges', '"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24030.9-0\\MpCmdRun.exe" -IdleTask -TaskName WdCacheMaintenance'], 28, 'short', 'microsoft', act(2, 2, 4, 2, 0, 2, 0)),
  win('powershell', `${S32}WindowsPowerShell\\v1.0\\powershell.exe`, 'Windows PowerShell', 'PowerShell.EXE', 'explorer', 'user', 'Medium', ['"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" ', 'powershell.exe -NoProfile -ExecutionPolicy Bypass -File "C:\\ProgramData\\Corp\\Scripts\\inventory.ps1"', '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -NoLogo -NonInteractive -Command "Get-CimInstance Win32_LogicalDisk | Select-Object DeviceID,FreeSpace"'], 26, 'short', 'corp', act(4, 4, 8, 4, 1, 12, 2)),
  win('sppsvc', `${S32}sppsvc.exe`, 'Microsoft Software Protection Platform Service', 'sppsvc.exe', 'services', 'network', 'System', ['C:\\Windows\\system32\\sppsvc.exe'], 24, 'short', 'microsoft', act(1, 1, 2, 10, 0, 2, 0)),
  app('onedrive', 'C:\\Users\\{user}\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe', '24.070.0407.0003', 'Microsoft OneDrive', 'Microsoft OneDrive', MS, 'OneDrive.exe', 'explorer', 'user', 'Medium', ['"C:\\Users\\{user}\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe" /background'], 22, 'long', 'microsoft', act(16, 10, 20, 8, 0, 4, 2)),
  win('rundll32', `${S32}rundll32.exe`, 'Windows host process (Rundll32)', 'RUNDLL32.EXE', 'svchost-netsvcs', 'user', 'Medium', ['C:\\Windows\\system32\\rundll32.exe C:\\Windows\\system32\\PcaSvc.dll,PcaPatchSdbTask', 'rundll32.exe AppXDeploymentExtensions.OneCore.dll,ShellRefresh', 'C:\\Windows\\System32\\rundll32.exe shell32.dll,SHCreateLocalServerRunDll {9aa46009-3ce0-458a-a354-715610a075e6} -Embedding'], 20, 'short', 'none', act(0, 0, 2, 6, 0, 6, 0)),
  win('wermgr', `${S32}wermgr.exe`, 'Windows Problem Reporting', 'WerMgr', 'svchost-netsvcs', 'system', 'System', ['C:\\Windows\\system32\\wermgr.exe -upload', 'C:\\Windows\\system32\\wermgr.exe -outofproc'], 18, 'short', 'microsoft', act(2, 2, 6, 4, 1, 4, 0)),
  win('consent', `${S32}consent.exe`, 'Consent UI for administrative applications', 'consent.exe', 'svchost-netsvcs', 'system', 'System', ['consent.exe {n} 288 000001F6A1B2C3D0'], 16, 'short', 'none', act(0, 0, 0, 2, 0, 4, 0), { role: 'workstation' }),
  win('smartscreen', `${S32}smartscreen.exe`, 'Windows Defender SmartScreen', 'smartscreen.exe', 'svchost-dcom', 'user', 'Medium', ['C:\\Windows\\System32\\smartscreen.exe -Embedding'], 16, 'short', 'microsoft', act(3, 3, 1, 2, 0, 3, 0), { role: 'workstation' }),
  app('outlook', 'C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE', '16.0.17531.20140', 'Microsoft Outlook', 'Microsoft Outlook', MS, 'Outlook.exe', 'explorer', 'user', 'Medium', ['"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE" '], 14, 'long', 'microsoft', act(20, 12, 14, 20, 0, 8, 2)),
  win('tiworker', 'C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_{build}_none_7dd80d767cb5c7b0\\TiWorker.exe', 'Windows Modules Installer Worker', 'TiWorker.exe', 'svchost-dcom', 'system', 'System', ['C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_{build}_none_7dd80d767cb5c7b0\\TiWorker.exe -Embedding'], 12, 'long', 'none', act(0, 0, 20, 30, 0, 4, 0)),
  win('gpupdate', `${S32}gpupdate.exe`, 'Microsoft® Windows Group Policy Update Utility', 'GPUpdate.exe', 'svchost-netsvcs', 'system', 'System', ['gpupdate.exe /target:computer'], 10, 'short', 'corp', act(1, 1, 1, 6, 0, 2, 0)),
  app('winword', 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE', '16.0.17531.20140', 'Microsoft Word', 'Microsoft Office', MS, 'WinWord.exe', 'explorer', 'user', 'Medium', ['"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE" /n "C:\\Users\\{user}\\Documents\\Quarterly report.docx" /o ""'], 10, 'long', 'microsoft', act(2, 2, 10, 16, 0, 10, 1)),
  app('excel', 'C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE', '16.0.17531.20140', 'Microsoft Excel', 'Microsoft Office', MS, 'Excel.exe', 'explorer', 'user', 'Medium', ['"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE" "C:\\Users\\{user}\\Documents\\Budget.xlsx"'], 9, 'long', 'microsoft', act(2, 2, 8, 14, 0, 10, 1)),
  win('notepad', `${S32}notepad.exe`, 'Notepad', 'NOTEPAD.EXE', 'explorer', 'user', 'Medium', ['"C:\\Windows\\system32\\NOTEPAD.EXE" C:\\Users\\{user}\\Desktop\\notes.txt', '"C:\\Windows\\system32\\notepad.exe" '], 8, 'short', 'none', act(0, 0, 1, 1, 0, 2, 0), { role: 'workstation' }),
  win('msiexec', `${S32}msiexec.exe`, 'Windows® installer', 'msiexec.exe', 'services', 'system', 'System', ['C:\\Windows\\system32\\msiexec.exe /V', 'C:\\Windows\\System32\\MsiExec.exe -Embedding 6C1F2A2B3C4D5E6F7A8B9C0D1E2F3A4B E Global\\MSI0000'], 7, 'short', 'none', act(0, 0, 12, 20, 0, 6, 0)),
  win('ipconfig', `${S32}ipconfig.exe`, 'IP Configuration Utility', 'ipconfig.exe', 'cmd', 'user', 'Medium', ['ipconfig /all', 'ipconfig  /flushdns'], 6, 'short', 'none', QUIET),
  win('schtasks', `${S32}schtasks.exe`, 'Task Scheduler Configuration Tool', 'schtasks.exe', 'cmd', 'system', 'System', ['schtasks.exe /query /fo csv /nh', 'schtasks  /Run /TN "\\Microsoft\\Windows\\Defrag\\ScheduledDefrag"'], 5, 'short', 'none', act(0, 0, 1, 2, 0, 1, 0)),
  win('reg', `${S32}reg.exe`, 'Registry Console Tool', 'reg.exe', 'cmd', 'system', 'System', ['reg  query "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion" /v CurrentBuild', 'reg.exe add HKLM\\SOFTWARE\\Corp\\Inventory /v LastRun /t REG_SZ /d {n} /f'], 5, 'short', 'none', act(0, 0, 0, 6, 0, 1, 0)),
  win('net', `${S32}net.exe`, 'Net Command', 'net.exe', 'cmd', 'user', 'Medium', ['net  use', 'net use Z: \\\\FS01\\share /persistent:no'], 4, 'short', 'corp', QUIET),
  win('sc', `${S32}sc.exe`, 'Service Control Manager Configuration Tool', 'sc.exe', 'cmd', 'system', 'System', ['sc  query WinDefend', 'sc.exe config wuauserv start= demand'], 4, 'short', 'none', QUIET),
  win('tasklist', `${S32}tasklist.exe`, 'Lists the current running tasks.', 'tasklist.exe', 'cmd', 'user', 'Medium', ['tasklist  /FI "IMAGENAME eq OUTLOOK.EXE"'], 3, 'short', 'none', act(0, 0, 0, 0, 4, 1, 0)),
  win('whoami', `${S32}whoami.exe`, 'whoami - displays logged on user information', 'whoami.exe', 'cmd', 'user', 'Medium', ['whoami', 'whoami  /groups'], 2, 'short', 'none', QUIET),
  win('certutil', `${S32}certutil.exe`, 'CertUtil.exe', 'CertUtil.exe', 'svchost-netsvcs', 'system', 'System', ['certutil.exe -syncWithWU -f -v C:\\Windows\\Temp\\Certs'], 2, 'short', 'microsoft', act(1, 1, 2, 1, 0, 2, 0)),
  win('wevtutil', `${S32}wevtutil.exe`, 'Eventing Command Line Utility', 'wevtutil.exe', 'svchost-netsvcs', 'system', 'System', ['wevtutil.exe qe Security /c:5 /rd:true /f:text'], 2, 'short', 'none', QUIET),
  win('vssvc', `${S32}VSSVC.exe`, 'Microsoft® Volume Shadow Copy Service', 'VSSVC.EXE', 'services', 'system', 'System', ['C:\\Windows\\system32\\vssvc.exe'], 2, 'short', 'none', act(0, 0, 2, 6, 0, 3, 1)),
  win('appcmd', `${S32}inetsrv\\appcmd.exe`, 'Application Server Command Line Admin Tool', 'appcmd.exe', 'cmd', 'system', 'System', ['C:\\Windows\\system32\\inetsrv\\appcmd.exe list apppool /state:Started'], 2, 'short', 'none', QUIET, { role: 'web' }),
];

const VENDORS = ['Adobe', 'Zoom', 'Slack', 'Mozilla', 'Citrix', 'VMware', 'Cisco', 'Dell', 'HP', 'Lenovo', 'Intel', 'NVIDIA', 'Realtek', 'Logitech', 'Dropbox', 'Notepad++', '7-Zip', 'Git', 'Python', 'Oracle', 'Autodesk', 'Fortinet', 'Splunk', 'Tanium', 'Qualys', 'Rapid7', 'Veeam', 'SAP', 'JetBrains', 'Postman'];
const TOOLS = ['updater', 'agent', 'helper', 'service', 'tray', 'launcher', 'sync', 'monitor', 'crashreporter', 'broker', 'collector', 'notifier'];

/**
 * The long tail: third-party agents, updaters and tools, one each per vendor and tool
 * kind, with starting frequencies falling off as 1/rank^1.1 after the head (together
 * about a sixth of all process starts).
 *
 * @example
 * tailPrograms(200).length // 200
 */
export function tailPrograms(count: number): Program[] {
  const out: Program[] = [];
  for (let i = 0; i < count; i++) {
    const vendor = VENDORS[i % VENDORS.length];
    const tool = TOOLS[Math.floor(i / VENDORS.length) % TOOLS.length];
    const folder = vendor.replace(/[^A-Za-z0-9+]/g, '');
    const name = `${folder}${tool[0].toUpperCase()}${tool.slice(1)}`;
    const path = i % 5 === 4 ? `C:\\ProgramData\\${folder}\\${name}.exe` : `C:\\Program Files${i % 3 === 0 ? ' (x86)' : ''}\\${vendor}\\${name}.exe`;
    const service = tool === 'service' || tool === 'agent' || tool === 'collector';
    const rank = PROGRAMS.length + i + 1;
    out.push(app(`tail-${i}`, path, `${1 + (i % 9)}.${i % 13}.${(i * 7) % 100}.${(i * 31) % 1000}`, `${vendor} ${tool}`, vendor, `${vendor} Inc.`, `${name}.exe`,
      service ? 'services' : 'explorer', service ? 'system' : 'user', service ? 'System' : 'Medium', [`"${path}"`, `"${path}" --background`, `"${path}" /check`],
      300 / Math.pow(rank, 1.1), i % 2 === 0 ? 'short' : 'long', 'web', act(2, 2, 2, 2, 0, 2, 0)));
  }
  return out;
}

/** A DLL that Sysmon 7 reports. */
export interface Library {
  readonly path: string;
  readonly description: string;
  readonly originalFileName: string;
  readonly product: string;
  readonly company: string;
  readonly signature: string;
}

const SYS_DLLS: readonly [string, string][] = [
  ['ntdll.dll', 'NT Layer DLL'], ['kernel32.dll', 'Windows NT BASE API Client DLL'], ['KernelBase.dll', 'Windows NT BASE API Client DLL'],
  ['advapi32.dll', 'Advanced Windows 32 Base API'], ['sechost.dll', 'Host for SCM/SDDL/LSA Lookup APIs'], ['rpcrt4.dll', 'Remote Procedure Call Runtime'],
  ['combase.dll', 'Microsoft COM for Windows'], ['ole32.dll', 'Microsoft OLE for Windows'], ['oleaut32.dll', 'OLEAUT32.DLL'], ['user32.dll', 'Multi-User Windows USER API Client DLL'],
  ['gdi32.dll', 'GDI Client DLL'], ['shell32.dll', 'Windows Shell Common Dll'], ['shlwapi.dll', 'Shell Light-weight Utility Library'], ['ws2_32.dll', 'Windows Socket 2.0 32-Bit DLL'],
  ['crypt32.dll', 'Crypto API32'], ['bcrypt.dll', 'Windows Cryptographic Primitives Library'], ['wintrust.dll', 'Microsoft Trust Verification APIs'], ['winhttp.dll', 'Windows HTTP Services'],
  ['wininet.dll', 'Internet Extensions for Win32'], ['dnsapi.dll', 'DNS Client API DLL'], ['mswsock.dll', 'Microsoft Windows Sockets 2.0 Service Provider'], ['amsi.dll', 'Anti-Malware Scan Interface'],
  ['wldp.dll', 'Windows Lockdown Policy'], ['profapi.dll', 'User Profile Basic API'], ['clbcatq.dll', 'COM+ Configuration Catalog'], ['propsys.dll', 'Microsoft Property System'],
  ['uxtheme.dll', 'Microsoft UxTheme Library'], ['dwmapi.dll', 'Microsoft Desktop Window Manager API'], ['fltLib.dll', 'Filter Library'], ['wbemcomn.dll', 'WMI'],
  ['samlib.dll', 'SAM Library DLL'], ['netapi32.dll', 'Net Win32 API DLL'], ['vaultcli.dll', 'Credential Vault Client Library'], ['dbghelp.dll', 'Windows Image Helper'],
  ['taskschd.dll', 'Task Scheduler COM API'], ['urlmon.dll', 'OLE32 Extensions for Win32'], ['msasn1.dll', 'ASN.1 Runtime APIs'], ['cryptsp.dll', 'Cryptographic Service Provider API'],
];

/** DLLs loaded in Sysmon 7, System32 ones first (hash per Windows build). */
export const LIBRARIES: readonly Library[] = [
  ...SYS_DLLS.map(([name, description]): Library => ({ path: `${S32}${name}`, description, originalFileName: name === 'fltLib.dll' ? 'filterLib.dll' : name, product: WIN, company: MS, signature: 'Microsoft Windows' })),
  { path: 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\clr.dll', description: 'Microsoft .NET Runtime Common Language Runtime - WorkStation', originalFileName: 'clr.dll', product: 'Microsoft® .NET Framework', company: MS, signature: 'Microsoft Corporation' },
  { path: 'C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\clrjit.dll', description: 'Microsoft .NET Runtime Just-In-Time Compiler', originalFileName: 'clrjit.dll', product: 'Microsoft® .NET Framework', company: MS, signature: 'Microsoft Corporation' },
  { path: 'C:\\Windows\\assembly\\NativeImages_v4.0.30319_64\\System.Management.Automation.ni.dll', description: 'System.Management.Automation', originalFileName: 'System.Management.Automation.dll', product: 'Microsoft (R) Windows (R) Operating System', company: MS, signature: 'Microsoft Corporation' },
];

/** A domain name with the address it resolves to (derived by the generator) and an optional CNAME. */
export interface DomainEntry {
  readonly name: string;
  readonly cname: string | null;
  /** First two octets of the address range it resolves into (a real provider's public range). */
  readonly prefix: string;
}

const d = (name: string, prefix: string, cname: string | null = null): DomainEntry => ({ name, prefix, cname });

/** Names resolved by browsers and apps, most popular first (the order is the Zipf rank). */
export const WEB_DOMAINS: readonly DomainEntry[] = [
  d('www.google.com', '142.250'), d('clients2.google.com', '142.250', 'clients.l.google.com'), d('www.youtube.com', '142.251', 'youtube-ui.l.google.com'),
  d('outlook.office365.com', '52.97', 'outlook.ms-acdc.office.com'), d('login.microsoftonline.com', '20.190', 'login.mso.msidentity.com'), d('www.bing.com', '204.79', 'www-bing-com.dual-a-0001.a-msedge.net'),
  d('fonts.gstatic.com', '142.250'), d('update.googleapis.com', '142.250'), d('www.linkedin.com', '13.107', 'www-linkedin-com.l-0005.l-msedge.net'),
  d('github.com', '140.82'), d('objects.githubusercontent.com', '185.199'), d('stackoverflow.com', '151.101'), d('www.wikipedia.org', '185.15', 'dyna.wikimedia.org'),
  d('cdn.jsdelivr.net', '151.101', 'jsdelivr.map.fastly.net'), d('ajax.googleapis.com', '142.250'), d('www.amazon.com', '52.84', 'tp.47cf2c8c9-frontier.amazon.com'),
  d('slack.com', '54.192'), d('zoom.us', '170.114'), d('www.salesforce.com', '104.109', 'www.salesforce.com.edgekey.net'), d('docs.python.org', '151.101', 'dualstack.python.map.fastly.net'),
  d('www.nytimes.com', '151.101', 'nytimes.map.fastly.net'), d('www.reddit.com', '151.101', 'reddit.map.fastly.net'), d('cdnjs.cloudflare.com', '104.17'), d('www.dropbox.com', '162.125'),
  d('accounts.google.com', '142.250'), d('play.google.com', '142.250'), d('registry.npmjs.org', '104.16'), d('pypi.org', '151.101'), d('downloads.citrix.com', '23.55', 'downloads.citrix.com.edgekey.net'),
  d('ocsp.digicert.com', '93.184', 'ocsp.edge.digicert.com'), d('crl.pki.goog', '142.250'), d('r3.o.lencr.org', '23.36', 'o.lencr.edgesuite.net'),
];

/** Names resolved by Windows itself and Microsoft software. */
export const MICROSOFT_DOMAINS: readonly DomainEntry[] = [
  d('settings-win.data.microsoft.com', '20.42', 'atm-settingsfe-prod-geo2.trafficmanager.net'), d('v10.events.data.microsoft.com', '20.189', 'global.asimov.events.data.trafficmanager.net'),
  d('ctldl.windowsupdate.com', '93.184', 'wu-bg-shim.trafficmanager.net'), d('config.edge.skype.com', '13.107', 'config.edge.skype.com.trafficmanager.net'), d('edge.microsoft.com', '204.79'),
  d('login.live.com', '20.190', 'login.msa.msidentity.com'), d('teams.microsoft.com', '52.113', 'teams.office.com'), d('ntp.msn.com', '204.79', 'assets.msn.com.edgekey.net'),
  d('wdcp.microsoft.com', '20.50', 'wdcp.microsoft.akadns.net'), d('smartscreen-prod.microsoft.com', '20.31', 'prod-agic-we-3.westeurope.cloudapp.azure.com'),
  d('fe3cr.delivery.mp.microsoft.com', '20.72', 'glb.cws.prod.dcat.dsp.mp.microsoft.com'), d('officeclient.microsoft.com', '52.109', 'prod.configsvc1.live.com.akadns.net'),
  d('onedriveclucproddm20028.blob.core.windows.net', '20.60'), d('go.microsoft.com', '23.36', 'go.microsoft.com.edgekey.net'), d('array612.prod.do.dsp.mp.microsoft.com', '20.54'),
  d('client.wns.windows.com', '20.198', 'wns.notify.trafficmanager.net'), d('time.windows.com', '20.101', 'twc.trafficmanager.net'),
];

/** Registry values written in Sysmon 13 (and keys for 12), with their `Details` texts. */
export const REGISTRY_VALUES: readonly (readonly [string, string])[] = [
  ['HKLM\\System\\CurrentControlSet\\Services\\bam\\State\\UserSettings\\{sid}\\\\Device\\HarddiskVolume3\\Windows\\System32\\cmd.exe', 'Binary Data'],
  ['HKU\\{sid}\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\RecentDocs\\MRUListEx', 'Binary Data'],
  ['HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WINEVT\\Publishers\\{5770385f-c22a-43e0-bf4c-06f5698ffbd9}\\Enabled', 'DWORD (0x00000001)'],
  ['HKLM\\System\\CurrentControlSet\\Services\\W32Time\\Config\\LastKnownGoodTime', 'QWORD (0x01da9b3f-0x6c8e2a10)'],
  ['HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates\\SignaturesLastUpdated', 'Binary Data'],
  ['HKLM\\System\\CurrentControlSet\\Services\\WdNisDrv\\Start', 'DWORD (0x00000003)'],
  ['HKU\\{sid}\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\UserAssist\\{CEBFF5CD-ACE2-4F4F-9178-9926F41749EA}\\Count\\HRZR_PGYFRFFVBA', 'Binary Data'],
  ['HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\AppCompatFlags\\Compatibility Assistant\\Store\\C:\\Users\\{user}\\Downloads\\setup.exe', 'Binary Data'],
  ['HKU\\{sid}\\Software\\Microsoft\\Office\\16.0\\Common\\Roaming\\Identities\\LastSignIn', 'QWORD (0x00000000-0x66321a7b)'],
  ['HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\SessionsPending\\Exclusive', 'DWORD (0x00000000)'],
  ['HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\SecurityHealth', '%windir%\\system32\\SecurityHealthSystray.exe'],
  ['HKLM\\System\\CurrentControlSet\\Services\\Tcpip\\Parameters\\Interfaces\\{3a7c2c1e-9b44-4d0a-8b7c-2f5b3b6e1d90}\\DhcpIPAddress', '10.20.{n}.{n}'],
  ['HKU\\{sid}\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\ZoneMap\\ProxyBypass', 'DWORD (0x00000001)'],
  ['HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Explorer\\StartupApproved\\Run\\OneDrive', 'Binary Data'],
  ['HKU\\.DEFAULT\\Software\\Classes\\Local Settings\\MuiCache\\3\\52C64B7E\\@%SystemRoot%\\system32\\drivers\\dam.sys,-100', 'Desktop Activity Moderator Driver'],
];

/** Registry keys created or deleted in Sysmon 12. */
export const REGISTRY_KEYS: readonly string[] = [
  '\\REGISTRY\\A\\{637b53f9-4d89-6fa1-6c98-3a1f52acff48}\\Root\\InventoryApplicationFile\\{n}',
  'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache\\Tree\\Microsoft\\Windows\\UpdateOrchestrator',
  'HKU\\{sid}\\Software\\Microsoft\\Windows\\CurrentVersion\\Explorer\\SessionInfo\\{n}',
  'HKLM\\System\\CurrentControlSet\\Services\\EventLog\\Application\\Corp Inventory',
  'HKU\\{sid}\\Software\\Classes\\Local Settings\\Software\\Microsoft\\Windows\\Shell\\BagMRU\\{n}',
];

/** Files created in Sysmon 11; `{user}` and `{n}` as in command lines, `{exe}` the creator's file name in capitals. */
export const FILE_PATHS: readonly string[] = [
  'C:\\Windows\\Prefetch\\{exe}-{hex}.pf',
  'C:\\Users\\{user}\\AppData\\Local\\Temp\\{hex}.tmp',
  'C:\\Windows\\Temp\\{hex}.tmp',
  'C:\\Users\\{user}\\AppData\\Local\\Microsoft\\Windows\\INetCache\\IE\\{hex}\\favicon[1].ico',
  'C:\\Users\\{user}\\AppData\\Local\\Google\\Chrome\\User Data\\Default\\Cache\\Cache_Data\\f_{hex}',
  'C:\\Users\\{user}\\Downloads\\report-{n}.pdf',
  'C:\\Users\\{user}\\AppData\\Roaming\\Microsoft\\Windows\\Recent\\notes.lnk',
  'C:\\ProgramData\\Microsoft\\Windows Defender\\Scans\\History\\Service\\DetectionHistory\\{n}',
  'C:\\Windows\\ServiceProfiles\\NetworkService\\AppData\\Local\\Microsoft\\Windows\\DeliveryOptimization\\Cache\\{hex}',
  'C:\\Windows\\SoftwareDistribution\\Download\\{hex}\\update.cab',
];

/** Named pipes (Sysmon 17/18), as Sysmon shows them. */
export const PIPE_NAMES: readonly string[] = [
  '\\mojo.{n}.{n}.{hex}', '\\LOCAL\\crashpad_{n}_{hex}', '\\srvsvc', '\\lsass', '\\wkssvc', '\\PSHost.{n}.{n}.DefaultAppDomain.powershell', '\\Winsock2\\CatalogChangeListener-{hex}-0', '\\spoolss',
];

/** GrantedAccess masks of Sysmon 10 with their weights, as counted in the corpus' NXLog export (25,483 × 0x1400, …). */
export const GRANTED_ACCESS: readonly (readonly [string, number])[] = [
  ['0x1400', 25483], ['0x1000', 2971], ['0x3000', 639], ['0x1fffff', 597], ['0x1410', 364], ['0x2000', 219], ['0x1478', 135], ['0x40', 85], ['0x100000', 40],
];

/** First and last names for the fleet's users. */
export const FIRST_NAMES: readonly string[] = ['anna', 'ben', 'chloe', 'david', 'emma', 'felix', 'grace', 'henry', 'iris', 'jonas', 'kim', 'leo', 'mia', 'noah', 'olga', 'pedro', 'quinn', 'rosa', 'sam', 'tara', 'umar', 'vera', 'will', 'yuna'];
export const LAST_NAMES: readonly string[] = ['adams', 'baker', 'chen', 'dubois', 'evans', 'fischer', 'garcia', 'huber', 'ito', 'jensen', 'kowalski', 'lee', 'martin', 'novak', 'park', 'rossi'];
