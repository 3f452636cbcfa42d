import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeEvtx } from '../evtx/index.js';
import { eventFromXml } from './from-xml.js';
import { classifyIp, ipAddressBytes, learnVolume, ntPathToDrivePath, processId, splitHashes } from './normalize.js';
import { corpusRoot, listFiles } from '../testing/corpus.js';

test('process ids compare equal across Security hex and Sysmon decimal', () => {
  assert.equal(processId('0x2a5c'), 10844);
  assert.equal(processId('0x2A5C'), processId(10844));
  assert.equal(processId('10844'), 10844);
  assert.equal(processId('-'), null);
  assert.equal(processId(null), null);
  assert.equal(processId(-1), null);
});

test('Hashes split by algorithm', () => {
  assert.deepEqual(splitHashes('SHA1=5E4F,MD5=fab4,SHA256=1B48,IMPHASH=C324'), { sha1: '5E4F', md5: 'FAB4', sha256: '1B48', imphash: 'C324' });
  assert.deepEqual(splitHashes('SHA256=AA'), { sha256: 'AA' });
  assert.deepEqual(splitHashes(null), {});
});

test('NT device paths map to drive paths once the volume is known', () => {
  const app = '\\device\\harddiskvolume2\\windows\\system32\\inetsrv\\w3wp.exe';
  assert.deepEqual(learnVolume(app, 'C:\\Windows\\System32\\inetsrv\\w3wp.exe'), ['harddiskvolume2', 'C:']);
  assert.equal(learnVolume(app, 'C:\\Windows\\System32\\cmd.exe'), null);
  assert.equal(ntPathToDrivePath(app, { harddiskvolume2: 'C:' }), 'C:\\windows\\system32\\inetsrv\\w3wp.exe');
  assert.equal(ntPathToDrivePath(app, {}), app);
  assert.equal(ntPathToDrivePath('C:\\x.exe', { harddiskvolume2: 'C:' }), 'C:\\x.exe');
  assert.equal(ntPathToDrivePath('System', {}), 'System');
});

test('IP addresses are classified', () => {
  const cases: [string, string][] = [
    ['8.8.8.8', 'public'], ['203.0.113.66', 'reserved'], ['10.1.2.3', 'private'], ['172.16.0.1', 'private'], ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'], ['127.0.0.1', 'loopback'], ['169.254.10.1', 'link-local'], ['100.64.0.1', 'cgnat'], ['100.128.0.1', 'public'],
    ['224.0.0.251', 'multicast'], ['0.0.0.0', 'unspecified'], ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'], ['::', 'unspecified'], ['fe80::1%12', 'link-local'], ['fd12:3456::1', 'unique-local'], ['fc00::', 'unique-local'],
    ['ff02::fb', 'multicast'], ['2606:4700::1111', 'public'], ['2001:db8::1', 'reserved'], ['::ffff:10.0.0.1', 'private'],
    ['::ffff:8.8.8.8', 'public'], ['1:2:3:4:5:6:7:8', 'public'], ['1:2:3:4:5:6:1.2.3.4', 'public'],
    ['999.1.1.1', 'invalid'], ['1::2::3', 'invalid'], ['hello', 'invalid'], ['1:2:3:4:5:6:7:8:9', 'invalid'],
  ];
  for (const [ip, want] of cases) assert.equal(classifyIp(ip), want, ip);
});

test('every Sysmon 3 address and 4688/Sysmon 1 pid in the corpus normalizes', () => {
  let ips = 0;
  let pids = 0;
  for (const f of listFiles(join(corpusRoot, 'evtx'), /\.evtx$/i)) {
    for (const c of decodeEvtx(readFileSync(f))) for (const r of c.records) {
      const e = eventFromXml(r.nodes)!;
      if (e.provider === 'Microsoft-Windows-Sysmon' && e.event_id === 3) {
        for (const k of ['SourceIp', 'DestinationIp']) { assert.notEqual(classifyIp(String(e.data[k])), 'invalid', `${f}: ${k}=${e.data[k]}`); ips++; }
      }
      if (e.event_id === 4688 && e.channel === 'Security') { assert.notEqual(processId(e.data.NewProcessId), null); pids++; }
    }
  }
  assert.ok(ips > 100 && pids > 50, `${ips} addresses, ${pids} pids`);
});

test('IP addresses parse to network-order bytes by the classifier\'s rules', () => {
  assert.deepEqual(ipAddressBytes('10.0.0.1'), Uint8Array.of(10, 0, 0, 1));
  assert.deepEqual(ipAddressBytes(' 192.168.001.010 '), Uint8Array.of(192, 168, 1, 10));
  assert.deepEqual(ipAddressBytes('fe80::1%12'), Uint8Array.of(0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1));
  assert.deepEqual(ipAddressBytes('::ffff:10.0.0.1'), Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 10, 0, 0, 1));
  assert.equal(ipAddressBytes('256.1.1.1'), null);
  assert.equal(ipAddressBytes('1:2:3'), null);
  assert.equal(ipAddressBytes('-'), null);
});
