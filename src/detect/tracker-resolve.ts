/**
 * Field resolvers that consult the {@link ProcessTracker} for what an event itself lacks:
 *
 * - Security 4688 `ParentImage`: ParentProcessName when the event has it (version 2,
 *   Windows 10 / Server 2016 and later); otherwise the image of the creator PID
 *   (ProcessId) *at the event's time*, from earlier 4688/4689 or Sysmon 1/5 events. This is
 *   how a 4688 from a Windows 7 / 2008 R2-era system is tied to w3wp.exe — by the w3wp
 *   PIDs alive then, not the ones running now (windows-events.md §1). `ParentCommandLine`
 *   likewise comes from the creator's record when the tracker saw its creation.
 * - Security 5156 `Image`: the NT device path with the drive letter the tracker learned
 *   for that volume (5156's Application vs. the image of its ProcessID), so rules on
 *   `C:\…` paths match too; the device form stays when the volume is unknown.
 *
 * The engine must observe an event with the tracker before it matches rules on it.
 */
import type { Event } from '../event/index.js';
import { SECURITY_4688_TARGET, SECURITY_5156_TARGET } from './logsource.js';
import type { ProcessTracker } from './process-tracker.js';
import { wfpImage } from './security-fields.js';
import type { FieldAccessor, FieldResolver, LogSourceTarget } from './types.js';

/**
 * `base` (the target's own resolver) with the tracker filling in 4688's parent and
 * 5156's drive letters; other targets get `base` unchanged.
 *
 * @example
 * const resolve = trackerAwareResolve(target.resolve, tracker, target);
 * resolve('ParentImage')!(old4688) // 'C:\\Windows\\System32\\inetsrv\\w3wp.exe'
 */
export function trackerAwareResolve(base: FieldResolver, tracker: ProcessTracker, target: LogSourceTarget): FieldResolver {
  if (target.name === SECURITY_4688_TARGET) {
    return (sigmaField) => {
      const field = sigmaField.toLowerCase();
      if (field === 'parentimage') {
        const own = base(sigmaField);
        return (e: Event) => {
          const v = own?.(e);
          return v !== undefined && v !== null ? v : tracker.parentOf(e)?.image || undefined;
        };
      }
      if (field === 'parentcommandline') return (e: Event) => tracker.parentOf(e)?.commandLine;
      return base(sigmaField);
    };
  }
  if (target.name === SECURITY_5156_TARGET) {
    const image: FieldAccessor = (e) => wfpImage(e.data.Application, tracker.volumes(e.host));
    return (sigmaField) => (sigmaField.toLowerCase() === 'image' ? image : base(sigmaField));
  }
  return base;
}
