/**
 * The CLI's help as data: each command's one-line summary and the module that defines it (loaded
 * only when that command runs, so `vlab --help` imports almost nothing), the exit codes and the
 * environment variables. program.ts builds the program from it.
 */

/** A command: its name (as typed), summary, and the module + function that register it in full. */
export interface CommandEntry {
  name: string;
  summary: string;
  module: string;
  register: string;
  hidden?: boolean;
}

export const COMMANDS: CommandEntry[] = [
  { name: 'init', summary: 'write an example lab file (refuses to overwrite without --force)', module: './commands/init.js', register: 'registerInit' },
  { name: 'validate', summary: 'check the lab file (and its images) without touching the host; exit 0 or 2', module: './commands/validate.js', register: 'registerValidate' },
  { name: 'plan', summary: 'show every change `vlab up` would make, without making any', module: './commands/plan.js', register: 'registerPlan' },
  { name: 'up', summary: 'build the lab: bridges, forwarding and NAT, libvirt networks, overlays, guest config, domains', module: './commands/up.js', register: 'registerUp' },
  {
    name: 'verify',
    summary: 'ping from inside every guest: gateways, each other, outside targets (reachable or, for isolated networks, not)',
    module: './commands/verify.js',
    register: 'registerVerify',
  },
  {
    name: 'reset',
    summary: 'put the lab (or some guests) back to the `ready` checkpoint of `up`, in seconds, no reboot; --cold boots them on fresh disks instead',
    module: './commands/reset.js',
    register: 'registerReset',
  },
  { name: 'snapshot', summary: 'save, list, restore and remove whole-lab snapshots (memory and disk)', module: './commands/snapshot.js', register: 'registerSnapshot' },
  {
    name: 'test',
    summary: 'a whole lab run for CI, sealed in a private sandbox: up, verify, down; JUnit, artifacts; exit 0 passed, 1 a check failed, 2 bad input, 3 a failure',
    module: './commands/test.js',
    register: 'registerTest',
  },
  { name: '__test-inside', summary: '(internal) the inside half of `vlab test`', module: './commands/test.js', register: 'registerTest', hidden: true },
  {
    name: 'doctor',
    summary: 'check the host (libvirt, qemu, KVM, firewall, tools, state root, disk, memory) and list what labs left behind; exit 3 on a failure',
    module: './commands/doctor.js',
    register: 'registerDoctor',
  },
  { name: 'down', summary: 'remove the lab and every host change it made (from its journal; the lab file is optional)', module: './commands/down.js', register: 'registerDown' },
  { name: 'status', summary: 'networks and guests of an up lab, as the host sees them now', module: './commands/status.js', register: 'registerStatus' },
  { name: 'ls', summary: 'list the labs that are up on this host', module: './commands/status.js', register: 'registerLs' },
  {
    name: 'graph',
    summary: 'draw the lab topology as SVG, HTML, dot, mermaid or JSON; an up lab coloured by guest state and the last verify',
    module: './commands/graph.js',
    register: 'registerGraph',
  },
  { name: 'exec', summary: 'run a command in a guest (argv, no shell unless you call one) and exit with its exit code', module: './commands/exec.js', register: 'registerExec' },
  { name: 'image', summary: 'build the guest images vlab ships recipes for', module: './commands/image.js', register: 'registerImage' },
  { name: 'persist', summary: 'keep an up lab across reboots (systemd unit, or ifupdown stanzas)', module: './commands/persist.js', register: 'registerPersist' },
  { name: 'unpersist', summary: 'remove what `vlab persist` made; the lab stays up', module: './commands/persist.js', register: 'registerPersist' },
  { name: 'restore', summary: 'bring an up lab back from its recorded state after a reboot', module: './commands/persist.js', register: 'registerPersist' },
  { name: 'cache', summary: 'list or clear the image facts vlab keeps in /var/cache/vlab', module: './commands/cache.js', register: 'registerCache' },
  {
    name: '__uplink-watchdog',
    summary: 'internal: roll a bridged uplink back unless vlab confirms it in time',
    module: './commands/watchdog.js',
    register: 'registerWatchdog',
    hidden: true,
  },
];

/** Printed after the command list of `vlab --help`. */
export const HELP_FOOTER = `
Exit codes:
  0  success
  1  verify found failures
  2  invalid lab file or usage (nothing on the host was changed)
  3  a host or libvirt operation failed, or plan/up found conflicts
  4  the lab is locked by another vlab process
  70 a bug in vlab

Environment:
  LIBVIRT_DEFAULT_URI   libvirt connection (default qemu:///system)
  VLAB_STATE_DIR        where labs keep their journal and disks (default /var/lib/vlab)
  VLAB_CACHE_DIR        image facts cache (default /var/cache/vlab)
  VLAB_GUEST_DISKS      libguestfs: write guest disks through the appliance instead of directly
  VLAB_LIBVIRT_BINDING  off: use virsh for domains instead of the @unraid/libvirt binding

Examples:
  vlab init && vlab plan      see what a lab would change
  vlab up --verify            build it and prove it from inside the guests
  vlab down                   remove every trace
`;
