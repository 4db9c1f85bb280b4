/** What other features may use of sync/: the device's data panel (Settings and the offline screen show it). */
export { DeviceData } from './DeviceData';
