export { OwnAddress, type OwnAddressDeps, type RemoteUrls } from './own-address-service';
