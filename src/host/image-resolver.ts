/**
 * Resolves a lab's image references: a folder with an image.yaml (disk, and optionally kernel,
 * initrd, cmdline, netconfig, exec, boot), or a bare .qcow2 file. Every problem becomes an
 * ImageProblem with a hint instead of an exception, so all of them are reported at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ImageProblem } from '../plan/facts.js';
import { didYouMean } from '../spec/suggest.js';
import type { BootMode, ExecTransport, ImageInfo, Lab, LabImage, NetconfigKind } from '../spec/types.js';
import type { QemuImg } from './qemu-img.js';

const KEYS = ['disk', 'kernel', 'initrd', 'cmdline', 'netconfig', 'exec', 'boot'] as const;
const BOOTS: readonly BootMode[] = ['firmware', 'kernel'];
const NETCONFIGS: readonly Exclude<NetconfigKind, 'auto'>[] = ['ifupdown', 'netplan', 'networkd', 'networkmanager', 'ifcfg', 'cloud-init'];
const EXECS: readonly Exclude<ExecTransport, 'auto'>[] = ['agent', 'ssh'];

/** image.yaml's fields, paths still relative to the folder. */
export interface ImageYaml {
  disk: string;
  kernel?: string;
  initrd?: string;
  cmdline?: string;
  netconfig?: Exclude<NetconfigKind, 'auto'>;
  exec?: Exclude<ExecTransport, 'auto'>;
  boot?: BootMode;
}

/** Validates image.yaml text: the fields, or the list of problems (each with a hint where one helps). */
export function parseImageYaml(text: string): { ok: ImageYaml } | { problems: { message: string; hint?: string }[] } {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    return { problems: [{ message: `image.yaml is not valid YAML: ${(e as Error).message.split('\n')[0]}` }] };
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { problems: [{ message: 'image.yaml must be a mapping with at least `disk:`' }] };
  const o = doc as Record<string, unknown>;
  const problems: { message: string; hint?: string }[] = [];
  for (const k of Object.keys(o)) {
    if ((KEYS as readonly string[]).includes(k)) continue;
    const near = didYouMean(k, KEYS);
    problems.push({ message: `image.yaml: unknown key '${k}'`, hint: near ? `did you mean '${near}'?` : `known keys: ${KEYS.join(', ')}` });
  }
  const str = (k: (typeof KEYS)[number], required: boolean): string | undefined => {
    const v = o[k];
    if (v === undefined || v === null) {
      if (required) problems.push({ message: `image.yaml: '${k}' is required`, hint: `${k}: disk.qcow2 (a path relative to the folder)` });
      return undefined;
    }
    if (typeof v !== 'string' || v === '') {
      problems.push({ message: `image.yaml: '${k}' must be a non-empty string` });
      return undefined;
    }
    return v;
  };
  const out: Partial<ImageYaml> = {};
  const disk = str('disk', true);
  if (disk) out.disk = disk;
  for (const k of ['kernel', 'initrd', 'cmdline'] as const) {
    const v = str(k, false);
    if (v) out[k] = v;
  }
  const netconfig = str('netconfig', false);
  if (netconfig !== undefined) {
    if ((NETCONFIGS as readonly string[]).includes(netconfig)) out.netconfig = netconfig as ImageYaml['netconfig'];
    else {
      const near = didYouMean(netconfig, NETCONFIGS);
      problems.push({ message: `image.yaml: netconfig '${netconfig}' is not one of ${NETCONFIGS.join(', ')}`, ...(near ? { hint: `did you mean '${near}'?` } : {}) });
    }
  }
  const exec = str('exec', false);
  if (exec !== undefined) {
    if ((EXECS as readonly string[]).includes(exec)) out.exec = exec as ImageYaml['exec'];
    else problems.push({ message: `image.yaml: exec '${exec}' is not one of ${EXECS.join(', ')}` });
  }
  const boot = str('boot', false);
  if (boot !== undefined) {
    if ((BOOTS as readonly string[]).includes(boot)) out.boot = boot as BootMode;
    else
      problems.push({
        message: `image.yaml: boot '${boot}' is not one of ${BOOTS.join(', ')}`,
        hint: "boot: kernel reads the kernel from the image's /boot; boot: firmware runs its bootloader",
      });
  }
  if (problems.length) return { problems };
  return { ok: out as ImageYaml };
}

function problem(name: string, message: string, hint?: string): ImageProblem {
  return hint ? { name, message, hint } : { name, message };
}

/** Checks the disk is a qcow2 file and completes its ImageInfo. */
async function diskInfo(img: LabImage, disk: string, qemuImg: QemuImg, base: Omit<ImageInfo, 'format' | 'virtualSize' | 'disk' | 'name'>): Promise<ImageInfo | ImageProblem> {
  let info;
  try {
    info = await qemuImg.info(disk);
  } catch (e) {
    return problem(
      img.name,
      `cannot read disk image ${disk}: ${(e as Error).message.split('\n').slice(-1)[0]?.trim()}`,
      'is it a disk image? `qemu-img info FILE` must be able to read it',
    );
  }
  if (info.format !== 'qcow2') {
    const out = disk.replace(/\.[^./]*$/, '') + '.qcow2';
    return problem(img.name, `disk image ${disk} is ${info.format}, not qcow2`, `convert it: qemu-img convert -O qcow2 ${disk} ${out === disk ? disk + '.qcow2' : out}`);
  }
  return { name: img.name, disk, format: info.format, virtualSize: info.virtualSize, ...base };
}

async function resolveOne(img: LabImage, qemuImg: QemuImg): Promise<ImageInfo | ImageProblem> {
  let st: fs.Stats;
  try {
    st = fs.statSync(img.path);
  } catch {
    return problem(img.name, `${img.path} does not exist`, 'give a folder holding image.yaml, or a .qcow2 file (relative paths are relative to the lab file)');
  }
  if (!st.isDirectory()) {
    if (!img.path.endsWith('.qcow2'))
      return problem(img.name, `${img.path} is neither a folder with image.yaml nor a .qcow2 file`, `convert it: qemu-img convert -O qcow2 ${img.path} ${img.path}.qcow2`);
    return diskInfo(img, img.path, qemuImg, {});
  }
  const yamlPath = path.join(img.path, 'image.yaml');
  let text: string;
  try {
    text = fs.readFileSync(yamlPath, 'utf8');
  } catch {
    return problem(img.name, `no image.yaml in ${img.path}`, 'an image folder needs an image.yaml with at least `disk: NAME.qcow2`');
  }
  const parsed = parseImageYaml(text);
  if ('problems' in parsed) {
    const hints = parsed.problems.flatMap((p) => (p.hint ? [p.hint] : []));
    return problem(img.name, `${yamlPath}: ${parsed.problems.map((p) => p.message.replace(/^image\.yaml: /, '')).join('; ')}`, hints.join('; ') || undefined);
  }
  const y = parsed.ok;
  const abs = (p: string) => path.resolve(img.path, p);
  const recipe = fs.existsSync(path.join(img.path, 'build.sh'));
  const buildHint = recipe ? `build it with \`vlab image build ${path.basename(img.path)}\`` : undefined;
  const missing: string[] = [];
  for (const k of ['disk', 'kernel', 'initrd'] as const) {
    const v = y[k];
    if (v && !fs.existsSync(abs(v))) missing.push(`${k} ${abs(v)}`);
  }
  if (missing.length)
    return problem(
      img.name,
      `${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist (named in ${yamlPath})`,
      buildHint ?? 'fix the path in image.yaml (relative to its folder)',
    );
  const base: Omit<ImageInfo, 'format' | 'virtualSize' | 'disk' | 'name'> = {};
  if (y.kernel) base.kernel = abs(y.kernel);
  if (y.initrd) base.initrd = abs(y.initrd);
  if (y.cmdline) base.cmdline = y.cmdline;
  if (y.netconfig) base.netconfig = y.netconfig;
  if (y.exec) base.exec = y.exec;
  if (y.boot) base.boot = y.boot;
  return diskInfo(img, abs(y.disk), qemuImg, base);
}

/** Resolves every image of the lab (in parallel), keyed by image name. */
export async function resolveImages(lab: Lab, qemuImg: QemuImg): Promise<Record<string, ImageInfo | ImageProblem>> {
  const entries = await Promise.all(lab.images.map(async (img) => [img.name, await resolveOne(img, qemuImg)] as const));
  return Object.fromEntries(entries);
}
