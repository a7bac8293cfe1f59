// Outbound media: prepareMedia turns a path or URL into a file ready to send; MediaError says why it cannot.
export { prepareMedia, IMAGE_SOURCE_MAX_BYTES, type PrepareOptions } from './prepare';
export { MediaError, type MediaErrorCode } from './errors';
export { isPrivateAddress } from './address';
