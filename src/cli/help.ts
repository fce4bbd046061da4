/**
 * The CLI's help as data: each command's one-line summary, the module that defines it (loaded
 * only when that command runs, so `vlab --help` imports almost nothing), its examples, exit codes
 * and the environment variables it reads. program.ts builds the program and every command's help
 * from it.
 */

/** Exit codes are a contract (README, src/cli/exit-codes.ts). */
export const EXIT_CODES: Record<number, string> = {
  0: 'success',
  1: 'verify found failures',
  2: 'invalid lab file or usage (nothing on the host was changed)',
  3: 'a host or libvirt operation failed, or plan/up found conflicts',
  4: 'the lab is locked by another vlab process',
  70: 'a bug in vlab',
};

export const ENVIRONMENT: Record<string, string> = {
  LIBVIRT_DEFAULT_URI: 'libvirt connection (default qemu:///system; -c overrides)',
  VLAB_STATE_DIR: 'where labs keep their journal and disks (default /var/lib/vlab)',
  VLAB_CACHE_DIR: 'image facts cache (default /var/cache/vlab)',
  VLAB_GUEST_DISKS: 'libguestfs: write guest disks through the appliance instead of directly',
  VLAB_LIBVIRT_BINDING: 'off: use virsh for domains instead of the @unraid/libvirt binding',
  SSH_CONNECTION: 'the SSH session vlab runs in (set by sshd): its NIC is not bridged without --yes',
  NO_COLOR: 'set: no colours',
  FORCE_COLOR: 'set (not 0): colours even when stdout is not a terminal',
};

type Env = keyof typeof ENVIRONMENT;

/** A command: its name (as typed), summary, the module + function that register it, and its help. */
export interface CommandEntry {
  name: string;
  summary: string;
  module: string;
  register: string;
  hidden?: boolean;
  /** `vlab ...` lines, each with what it does. */
  examples: [command: string, what: string][];
  /** Exit codes besides 0 and 70 (which every command has). */
  exits: number[];
  env: Env[];
}

const HOST: Env[] = ['LIBVIRT_DEFAULT_URI', 'VLAB_STATE_DIR', 'VLAB_LIBVIRT_BINDING'];

export const COMMANDS: CommandEntry[] = [
  {
    name: 'init',
    summary: 'write an example lab file (refuses to overwrite without --force); --template seed|two-nets|uplink',
    module: './commands/init.js',
    register: 'registerInit',
    examples: [
      ['vlab init', 'write ./vlab.yaml (the seed lab)'],
      ['vlab -f labs/two.yaml init --template two-nets', 'a router between two networks, in labs/two.yaml (labs/ is created)'],
      ['vlab init --lab edge --template uplink', 'a bridged-uplink lab named edge'],
    ],
    exits: [2, 3],
    env: [],
  },
  {
    name: 'validate',
    summary: 'check the lab file, its images and templates without touching the host: every problem in one run; exit 0 or 2',
    module: './commands/validate.js',
    register: 'registerValidate',
    examples: [
      ['vlab validate', 'check ./vlab.yaml'],
      ['vlab -f lab.yaml validate --json', '{ ok, problems: [{ file, line, column, path, message, fix }] }'],
    ],
    exits: [2],
    env: ['VLAB_CACHE_DIR'],
  },
  {
    name: 'plan',
    summary: 'show every change `vlab up` would make, without making any',
    module: './commands/plan.js',
    register: 'registerPlan',
    examples: [
      ['vlab plan', 'the changes, in order'],
      ['vlab -v plan', 'with every file and XML document'],
      ['vlab plan --json', 'every action with its details'],
    ],
    exits: [2, 3],
    env: [...HOST, 'VLAB_CACHE_DIR', 'VLAB_GUEST_DISKS', 'SSH_CONNECTION'],
  },
  {
    name: 'up',
    summary: 'build the lab: bridges, forwarding and NAT, libvirt networks, overlays, guest config, domains',
    module: './commands/up.js',
    register: 'registerUp',
    examples: [
      ['vlab up', 'build the lab, then take the `ready` checkpoint'],
      ['vlab up --verify --junit out/verify.xml', 'build it, prove it from inside the guests, write JUnit (--junit implies --verify)'],
      ['vlab up --persist', 'build it and keep it across reboots (systemd unit)'],
    ],
    exits: [1, 2, 3, 4],
    env: [...HOST, 'VLAB_CACHE_DIR', 'VLAB_GUEST_DISKS', 'SSH_CONNECTION', 'NO_COLOR', 'FORCE_COLOR'],
  },
  {
    name: 'verify',
    summary: 'ping from inside every guest: gateways, each other, outside targets (reachable or, for isolated networks, not)',
    module: './commands/verify.js',
    register: 'registerVerify',
    examples: [
      ['vlab verify', 'the matrix of the lab in ./vlab.yaml'],
      ['vlab verify seed --junit verify.xml', 'lab seed, with JUnit XML for CI'],
      ['NO_COLOR=1 vlab verify --json', 'results as JSON'],
    ],
    exits: [1, 2, 3],
    env: [...HOST, 'NO_COLOR', 'FORCE_COLOR'],
  },
  {
    name: 'reset',
    summary: 'put the lab (or some guests) back to the `ready` checkpoint of `up`, in seconds, no reboot; --cold boots them on fresh disks instead',
    module: './commands/reset.js',
    register: 'registerReset',
    examples: [
      ['vlab reset', 'every guest back to `ready`'],
      ['vlab reset --lab seed web', 'only web, of lab seed'],
      ['vlab reset --cold db', 'db on a fresh disk over its configured layer'],
    ],
    exits: [2, 3, 4],
    env: HOST,
  },
  {
    name: 'snapshot',
    summary: 'save, list, restore and remove whole-lab snapshots (memory and disk)',
    module: './commands/snapshot.js',
    register: 'registerSnapshot',
    examples: [
      ['vlab snapshot save before-upgrade', 'save the running lab'],
      ['vlab snapshot ls --lab seed', "lab seed's snapshots"],
      ['vlab snapshot restore before-upgrade web', 'only web back to it'],
      ['vlab snapshot rm before-upgrade', 'delete it'],
    ],
    exits: [2, 3, 4],
    env: HOST,
  },
  {
    name: 'test',
    summary: 'a whole lab run for CI, sealed in a private sandbox: up, verify, down; JUnit, artifacts; exit 0 passed, 1 a check failed, 2 bad input, 3 a failure',
    module: './commands/test.js',
    register: 'registerTest',
    examples: [
      ['vlab test', 'the built-in seed lab: can this host run labs?'],
      ['vlab test lab.yaml --junit out/vlab.xml --artifacts out/vlab', 'a CI job (docs/ci.md)'],
      ['vlab test lab.yaml --shell', 'a shell inside the sandbox once the lab is up'],
    ],
    exits: [1, 2, 3],
    env: ['VLAB_CACHE_DIR'],
  },
  {
    name: '__test-inside',
    summary: 'internal: the inside half of `vlab test`, in its sandbox',
    module: './commands/test.js',
    register: 'registerTest',
    hidden: true,
    examples: [],
    exits: [1, 2, 3],
    env: ['VLAB_SANDBOX', 'VLAB_STATE_DIR'],
  },
  {
    name: 'doctor',
    summary: 'check the host (libvirt, qemu, KVM, firewall, tools, state root, disk, memory) and list what labs left behind; exit 3 on a failure',
    module: './commands/doctor.js',
    register: 'registerDoctor',
    examples: [
      ['vlab doctor', 'the host checks and leftovers'],
      ['vlab -f lab.yaml doctor', "and that lab's needs (memory, disk, images)"],
      ['vlab -q doctor --json', 'the report as JSON'],
    ],
    exits: [2, 3],
    env: [...HOST, 'VLAB_CACHE_DIR'],
  },
  {
    name: 'down',
    summary: 'remove the lab and every host change it made (from its journal; the lab file is optional)',
    module: './commands/down.js',
    register: 'registerDown',
    examples: [
      ['vlab down', 'the lab of ./vlab.yaml'],
      ['vlab down seed --dry-run', 'what the journal would undo, changing nothing'],
      ['vlab down seed --sweep', 'journal lost or corrupt: remove what is tagged for seed'],
    ],
    exits: [2, 3, 4],
    env: HOST,
  },
  {
    name: 'status',
    summary: 'networks and guests of an up lab, as the host sees them now',
    module: './commands/status.js',
    register: 'registerStatus',
    examples: [
      ['vlab status', 'the lab of ./vlab.yaml'],
      ['vlab status seed --json', 'lab seed as JSON'],
    ],
    exits: [2, 3],
    env: HOST,
  },
  {
    name: 'ls',
    summary: 'list the labs that are up on this host',
    module: './commands/status.js',
    register: 'registerLs',
    examples: [
      ['vlab ls', 'a table'],
      ['vlab ls --json', 'as JSON'],
    ],
    exits: [],
    env: ['VLAB_STATE_DIR'],
  },
  {
    name: 'exec',
    summary: 'run a command in a guest (argv, no shell unless you call one) and exit with its exit code',
    module: './commands/exec.js',
    register: 'registerExec',
    examples: [
      ['vlab exec web -- ip -4 addr', 'in guest web of the lab of ./vlab.yaml'],
      ['vlab exec --lab seed db -- sh -c "ss -tln | grep 5432"', 'a shell, when you want one'],
      ['vlab exec -i web -- sh -c "cat > /tmp/motd" < motd', "send vlab's standard input"],
    ],
    exits: [2, 3],
    env: HOST,
  },
  {
    name: 'ssh',
    summary: "open an SSH session to a guest with the lab's key and pinned host key (or run one command: ssh GUEST -- CMD)",
    module: './commands/ssh.js',
    register: 'registerSsh',
    examples: [
      ['vlab ssh web', 'an interactive shell on web'],
      ['vlab ssh --lab seed web -- hostname', 'one command; exits with its exit code (255: ssh failed)'],
    ],
    exits: [2, 3],
    env: HOST,
  },
  {
    name: 'ssh-config',
    summary: "print an OpenSSH config block for the lab's SSH guests (Host vlab-LAB-GUEST)",
    module: './commands/ssh.js',
    register: 'registerSshConfig',
    examples: [
      ['vlab ssh-config seed >> ~/.ssh/config', 'then: ssh vlab-seed-web'],
      ['vlab ssh-config --json', 'the same as JSON'],
    ],
    exits: [2, 3],
    env: ['VLAB_STATE_DIR'],
  },
  {
    name: 'console',
    summary: "attach to a guest's serial console (virsh console; Ctrl+] leaves), or print its console log with --log",
    module: './commands/console.js',
    register: 'registerConsole',
    examples: [
      ['vlab console web', 'attach (Ctrl+] detaches)'],
      ['vlab console --lab seed web --log', 'print what web wrote to its console since up'],
    ],
    exits: [2, 3],
    env: HOST,
  },
  {
    name: 'image',
    summary: 'build the guest images vlab ships recipes for',
    module: './commands/image.js',
    register: 'registerImage',
    examples: [['vlab image build tiny', 'the 20 MB test guest, from Debian packages']],
    exits: [2, 3],
    env: [],
  },
  {
    name: 'persist',
    summary: 'keep an up lab across reboots (systemd unit, or ifupdown stanzas)',
    module: './commands/persist.js',
    register: 'registerPersist',
    examples: [
      ['vlab persist', 'a systemd unit that runs `vlab restore` at boot'],
      ['vlab persist seed --mode ifupdown --dry-run', 'what ifupdown persistence would write, changing nothing'],
    ],
    exits: [2, 3, 4],
    env: HOST,
  },
  {
    name: 'unpersist',
    summary: 'remove what `vlab persist` made; the lab stays up',
    module: './commands/persist.js',
    register: 'registerPersist',
    examples: [['vlab unpersist seed', "remove seed's unit or ifupdown files"]],
    exits: [2, 3, 4],
    env: HOST,
  },
  {
    name: 'restore',
    summary: 'bring an up lab back from its recorded state after a reboot',
    module: './commands/persist.js',
    register: 'registerPersist',
    examples: [
      ['vlab restore seed', 'what the persisted unit runs at boot'],
      ['vlab restore seed --dry-run', 'the plan of the recorded lab, changing nothing'],
    ],
    exits: [2, 3, 4],
    env: [...HOST, 'VLAB_CACHE_DIR', 'VLAB_GUEST_DISKS'],
  },
  {
    name: 'cache',
    summary: 'list or clear the image facts vlab keeps in /var/cache/vlab',
    module: './commands/cache.js',
    register: 'registerCache',
    examples: [
      ['vlab cache ls', 'one line per image identity'],
      ['vlab cache clear', 'the next plan or up reads the images again'],
    ],
    exits: [2],
    env: ['VLAB_CACHE_DIR'],
  },
  {
    name: 'completion',
    summary: 'print a shell completion script (bash, zsh or fish): commands, options, lab and guest names',
    module: './commands/completion.js',
    register: 'registerCompletion',
    examples: [
      ['source <(vlab completion bash)', 'bash, this shell (add it to ~/.bashrc)'],
      ['vlab completion zsh > "${fpath[1]}/_vlab"', 'zsh'],
      ['vlab completion fish > ~/.config/fish/completions/vlab.fish', 'fish'],
    ],
    exits: [2],
    env: ['VLAB_STATE_DIR'],
  },
  {
    name: '__complete',
    summary: 'internal: lab or guest names for the completion scripts',
    module: './commands/completion.js',
    register: 'registerCompleteNames',
    hidden: true,
    examples: [['vlab __complete guests', 'the guests of the current lab, one a line']],
    exits: [],
    env: ['VLAB_STATE_DIR'],
  },
  {
    name: 'graph',
    summary: 'draw the lab topology as SVG, HTML, dot, mermaid or JSON; an up lab coloured by guest state and the last verify',
    module: './commands/graph.js',
    register: 'registerGraph',
    examples: [
      ['vlab graph', 'mermaid of the lab, on stdout'],
      ['vlab graph seed -o seed.svg', 'an SVG of the running lab seed'],
      ['vlab graph -o lab.html', 'one self-contained HTML file'],
    ],
    exits: [2, 3],
    env: HOST,
  },
  {
    name: '__uplink-watchdog',
    summary: 'internal: roll a bridged uplink back unless vlab confirms it in time',
    module: './commands/watchdog.js',
    register: 'registerWatchdog',
    hidden: true,
    examples: [],
    exits: [3],
    env: ['LIBVIRT_DEFAULT_URI'],
  },
];

/** The lines after one command's help: examples, exit codes, environment. */
export function commandHelp(entry: CommandEntry, sub?: string): string {
  const prefix = `vlab ${entry.name}${sub ? ` ${sub}` : ''}`;
  const examples = sub ? entry.examples.filter(([c]) => c.includes(`${entry.name} ${sub}`)) : entry.examples;
  const lines: string[] = [];
  if (examples.length) {
    const w = Math.max(...examples.map(([c]) => c.length));
    lines.push('', 'Examples:', ...examples.map(([c, what]) => `  ${c.padEnd(w)}  # ${what}`));
  }
  const codes = [0, ...entry.exits, 70];
  lines.push('', 'Exit codes:', ...codes.map((c) => `  ${String(c).padEnd(3)}${EXIT_CODES[c]}`));
  const env = [...new Set(entry.env)];
  if (env.length) {
    const w = Math.max(...env.map((e) => e.length));
    lines.push('', `Environment (${prefix} reads):`, ...env.map((e) => `  ${e.padEnd(w)}  ${ENVIRONMENT[e]}`));
  } else lines.push('', `Environment: ${prefix} reads no environment variable.`);
  return lines.join('\n') + '\n';
}

/** Printed after the command list of `vlab --help`. */
export const HELP_FOOTER = `
Choosing the lab: -f FILE or --lab NAME on every command; status, verify, down, persist,
unpersist, restore and ssh-config also take the lab name as their first argument; exec, ssh,
console and reset take guest names as arguments (the lab from -f or --lab). Put -- before a
guest's command: vlab exec web -- ls -la.

Exit codes:
${Object.entries(EXIT_CODES)
  .map(([c, what]) => `  ${c.padEnd(3)}${what}`)
  .join('\n')}

Environment:
${Object.entries(ENVIRONMENT)
  .map(([e, what]) => `  ${e.padEnd(21)} ${what}`)
  .join('\n')}

Examples:
  vlab init && vlab plan      see what a lab would change
  vlab up --verify            build it and prove it from inside the guests
  vlab ssh web                a shell on guest web
  vlab down                   remove every trace
`;
