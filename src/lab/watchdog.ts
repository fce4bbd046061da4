/** The detached uplink watchdog `up` starts: rolls a bridged uplink back unless vlab confirms it in time. */
export { watchdog } from '../apply/uplink.js';
