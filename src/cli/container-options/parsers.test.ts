import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseKeyValueLines } from './kv-file.js';
import { bindsAndVolumes, csvFields, parseMount, parseVolume } from './mounts.js';
import { parseNetworkOpt } from './networking.js';
import { parsePortSpec, portPlan, splitProtoPort } from './ports.js';
import { canonicalIp, parseUlimit, validateDnsSearch, validateExtraHost, validateLabel } from './validators.js';

test('parseVolume: sources, targets, options and Windows drives as compose parses them', () => {
  assert.deepEqual(parseVolume('/data'), { type: 'volume', source: '', target: '/data' });
  assert.deepEqual(parseVolume('/a:/b'), { type: 'bind', source: '/a', target: '/b' });
  assert.deepEqual(parseVolume('/a:/b:ro,z'), { type: 'bind', source: '/a', target: '/b' });
  assert.deepEqual(parseVolume('name:/b'), { type: 'volume', source: 'name', target: '/b' });
  assert.deepEqual(parseVolume('~/x:/b'), { type: 'bind', source: '~/x', target: '/b' });
  assert.deepEqual(parseVolume('c:/x:/b'), { type: 'bind', source: 'c:/x', target: '/b' });
  assert.deepEqual(parseVolume('/a'), { type: 'volume', source: '', target: '/a' });
  assert.deepEqual(parseVolume('ab'), { type: 'volume', source: '', target: 'ab' });
});

test('bindsAndVolumes: duplicates collapse, anonymous volumes stay in Volumes', () => {
  assert.deepEqual(bindsAndVolumes(['/a:/b', '/a:/b', '/v', './r:/r:ro'], '/cwd'), { binds: ['/a:/b', '/cwd/r:/r:ro'], volumes: { '/v': {} } });
});

test('csvFields reads quoted fields as Go\'s encoding/csv', () => {
  assert.deepEqual(csvFields('a=1,b=2'), ['a=1', 'b=2']);
  assert.deepEqual(csvFields('"src=/a,b",dst=/c'), ['src=/a,b', 'dst=/c']);
  assert.deepEqual(csvFields('"x ""y"""'), ['x "y"']);
  assert.deepEqual(csvFields(''), ['']);
  assert.throws(() => csvFields('a="b"'), /bare " in non-quoted-field/);
  assert.throws(() => csvFields('"open'), /extraneous or missing " in quoted-field/);
});

test('parseMount: bind and volume options, and the mixes docker refuses', () => {
  assert.deepEqual(parseMount('type=bind,source=/a,target=/b,readonly,bind-propagation=rshared', '/'), {
    Type: 'bind', Source: '/a', Target: '/b', ReadOnly: true, BindOptions: { Propagation: 'rshared' },
  });
  assert.deepEqual(parseMount('src=v,dst=/d,volume-nocopy,volume-label=a=b,volume-driver=local', '/'), {
    Type: 'volume', Source: 'v', Target: '/d', VolumeOptions: { NoCopy: true, Labels: { a: 'b' }, DriverConfig: { Name: 'local' } },
  });
  assert.throws(() => parseMount('type=tmpfs,target=/t,bind-propagation=shared', '/'), /cannot mix 'bind-\*' options with mount type 'tmpfs'/);
  assert.throws(() => parseMount('type=bind,target=/t,readonly=maybe', '/'), /invalid value for readonly: maybe/);
  assert.throws(() => parseMount('type=bind,target=/t,bind-recursive=readonly', '/'), /requires 'readonly'/);
  assert.throws(() => parseMount('type=bind,target=/t,bogus', '/'), /invalid field 'bogus' must be a key=value pair/);
  assert.throws(() => parseMount('type=,target=/t', '/'), /type is required/);
});

test('ports: ranges, host IPs, protocols', () => {
  assert.deepEqual(splitProtoPort('80/udp'), ['udp', '80']);
  assert.deepEqual(splitProtoPort('80/'), ['tcp', '80']);
  assert.deepEqual(parsePortSpec('[::1]:8080:80'), [{ port: '80/tcp', binding: { HostIp: '::1', HostPort: '8080' } }]);
  assert.deepEqual(parsePortSpec('8000-8001:80'), [{ port: '80/tcp', binding: { HostIp: '', HostPort: '8000-8001' } }]);
  assert.deepEqual(parsePortSpec('80/SCTP').map((p) => p.port), ['80/sctp']);
  assert.throws(() => parsePortSpec('1.2.3:80:80'), /invalid IP address: 1.2.3/);
  assert.throws(() => parsePortSpec('8000-8002:80-81'), /invalid ranges specified for container and host Ports: 80-81 and 8000-8002/);
  assert.throws(() => parsePortSpec('70000'), /invalid containerPort: 70000/);
  assert.throws(() => parsePortSpec('1.2.3.4::'), /no port specified: 1.2.3.4::<empty>/);
  assert.throws(() => portPlan([], ['x']), /invalid range format for --expose: x, error: strconv.ParseUint: parsing "x": invalid syntax/);
  assert.throws(() => portPlan(['published=1,target'], []), /invalid publish opts format \(should be name=value but got 'target'\)/);
});

test('kv files: comments, BOM, CRLF, bare names from the environment', () => {
  const env: Record<string, string> = { HOME: '/root' };
  assert.deepEqual(parseKeyValueLines('\uFEFFA=1\r\n\t# c\r\n  B= keep \nHOME\nMISSING\n', (k) => env[k]), ['A=1', 'B= keep ', 'HOME=/root']);
  assert.throws(() => parseKeyValueLines('=x\n', undefined), /no variable name on line '=x'/);
  assert.throws(() => parseKeyValueLines('A B=1\n', undefined), /variable 'A B' contains whitespaces/);
  assert.deepEqual(parseKeyValueLines('ONLY_NAME\n', undefined), []);
});

test('validators keep docker\'s forms', () => {
  assert.equal(canonicalIp('0:0::1'), '::1');
  assert.equal(canonicalIp('::ffff:1.2.3.4'), '1.2.3.4');
  assert.equal(canonicalIp('01.2.3.4'), undefined);
  assert.equal(validateExtraHost('h=[::1]'), 'h:::1');
  assert.equal(validateExtraHost('h:host-gateway'), 'h:host-gateway');
  assert.throws(() => validateExtraHost(':1.2.3.4'), /bad format for add-host: ":1.2.3.4"/);
  assert.equal(validateDnsSearch('example.com.'), 'example.com');
  assert.equal(validateDnsSearch('.'), '.');
  assert.throws(() => validateDnsSearch('123'), /123 is not a valid domain/);
  assert.throws(() => validateLabel('a b=c'), /label 'a b' contains whitespaces/);
  assert.deepEqual(parseUlimit('nofile=-1'), { Name: 'nofile', Hard: -1, Soft: -1 });
  assert.throws(() => parseUlimit('nofile=-1:10'), /soft: -1 \(unlimited\), hard: 10/);
  assert.throws(() => parseUlimit('nofile=1:2:3'), /too many limit value arguments - 1:2:3, can only have up to two, `soft\[:hard\]`/);
});

test('--network long form is read field by field', () => {
  assert.deepEqual(parseNetworkOpt('name=n,alias=a,alias=b,ip=10.0.0.2,gw-priority=3').aliases, ['a', 'b']);
  assert.equal(parseNetworkOpt('plain').target, 'plain');
  assert.throws(() => parseNetworkOpt('alias=a'), /network name\/id is not specified/);
});
