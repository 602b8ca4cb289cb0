export { downloadDataset, VERIFIED_MARKER, type DownloadOptions, type DownloadResult } from './download.js';
export { fetchFile, md5OfFile, type FetchOptions } from './fetch.js';
export { extractZip, extractTgz } from './extract.js';
export { SOURCES, INSHOP_MANUAL, type DatasetSource, type SourceFile } from './sources.js';
