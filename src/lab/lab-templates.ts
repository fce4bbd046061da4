/** The starter lab files `vlab init --template` writes. Pure text. */

export const LAB_TEMPLATES = ['seed', 'two-nets', 'uplink'] as const;
export type LabTemplate = (typeof LAB_TEMPLATES)[number];

/** What a template needs filled in: the tiny image and the JSON Schema, relative to the new file; the lab's name. */
export interface TemplateInput {
  image: string;
  schema: string;
  name?: string;
}

const SEED = (name: string, image: string) => `# A vlab lab file (reference: docs/lab-file.md). Modelled on the classic hand-made lab:
# an isolated bridge with the host at 172.16.0.1/16, forwarding and MASQUERADE for traffic
# leaving it, and two guests with static addresses.
name: ${name}
networks:
  isolation:
    bridge: isolationbr
    cidr: 172.16.0.0/16
    gateway: 172.16.0.1
    nat: true
images:
  tiny: ${image}
# Every guest gets these unless it sets its own.
defaults:
  image: tiny
  memory: 192
guests:
  web:
    interfaces:
      - network: isolation
        address: 172.16.0.2
  db:
    interfaces:
      - { network: isolation, address: 172.16.0.3 }
verify:
  # Outside targets: reachable from NAT networks, unreachable from isolated ones.
  # Put an address here that you are allowed to ping (198.18.0.2 is the sandbox's test host).
  external: [198.18.0.2]
`;

const TWO_NETS = (name: string, image: string) => `# Two networks and a router between them (reference: docs/lab-file.md): lan has NAT to the
# outside, dmz is isolated; the router has a NIC on each, the others one.
name: ${name}
networks:
  lan:
    cidr: 10.70.1.0/24
    nat: true
  dmz:
    cidr: 10.70.2.0/24
images:
  tiny: ${image}
defaults:
  image: tiny
  memory: 192
# x- keys are ignored: a place for YAML anchors.
x-dmz-nic: &dmz-nic { network: dmz }
guests:
  router:
    interfaces:
      - { network: lan, address: 10.70.1.2 }
      - { <<: *dmz-nic, address: 10.70.2.2 }
  client:
    interfaces:
      - { network: lan, address: 10.70.1.10 }
  server:
    interfaces:
      - { <<: *dmz-nic, address: 10.70.2.10 }
verify:
  external: [198.18.0.2]
  checks:
    - { from: client, to: router }
`;

const UPLINK = (name: string, image: string) => `# Guests on the real LAN through a bridged uplink (docs/uplink.md): vlab moves the host NIC's
# addresses and routes onto the bridge, proves the host still reaches its gateway, and moves
# everything back by itself if not. Set uplink: to your NIC and cidr: to the LAN's range.
name: ${name}
networks:
  lan:
    bridge: br0
    uplink: eth0              # the host NIC to bridge (\`ip link\` names it)
    cidr: 192.168.1.0/24      # the LAN's range, for static addresses
    # uplink_check: 192.168.1.1   # must answer after the move (default: the host's default gateway)
images:
  tiny: ${image}
defaults:
  image: tiny
  memory: 192
guests:
  edge:
    interfaces:
      - { network: lan }      # DHCP from the LAN
`;

const BODIES: Record<LabTemplate, { name: string; body: (name: string, image: string) => string }> = {
  seed: { name: 'seed', body: SEED },
  'two-nets': { name: 'twonets', body: TWO_NETS },
  uplink: { name: 'edge', body: UPLINK },
};

/** The file text of a template, starting with the yaml-language-server line for editors. */
export function labTemplate(t: LabTemplate, input: TemplateInput): { text: string; name: string } {
  const { name: fallback, body } = BODIES[t];
  const name = input.name ?? fallback;
  return { name, text: `# yaml-language-server: $schema=${input.schema}\n${body(name, input.image)}` };
}
