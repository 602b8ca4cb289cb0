/** Where each dataset is published, with its published checksum, and how it unpacks. */
export interface SourceFile {
  name: string;
  url: string;
  /** published MD5, or undefined where none is published (the file is then checked by extraction and indexing only) */
  md5?: string;
  extract?: 'zip' | 'tgz';
}

export interface DatasetSource {
  /** the folder under --root the dataset lives in once extracted */
  folder: string;
  /** where the archives are extracted (relative to --root) */
  extractTo: string;
  files: SourceFile[];
}

export const SOURCES: Record<string, DatasetSource> = {
  sop: {
    folder: 'Stanford_Online_Products',
    extractTo: '.',
    files: [{ name: 'Stanford_Online_Products.zip', url: 'ftp://cs.stanford.edu/cs/cvgl/Stanford_Online_Products.zip', md5: '7f73d41a2f44250d4779881525aea32e', extract: 'zip' }],
  },
  cub: {
    folder: 'CUB_200_2011',
    extractTo: '.',
    files: [{ name: 'CUB_200_2011.tgz', url: 'http://www.vision.caltech.edu/visipedia-data/CUB-200-2011/CUB_200_2011.tgz', md5: '97eceeb196236b17998738112f37df78', extract: 'tgz' }],
  },
  cars: {
    folder: 'Cars196',
    extractTo: 'Cars196',
    files: [
      { name: 'car_ims.tgz', url: 'http://imagenet.stanford.edu/internal/car196/car_ims.tgz', extract: 'tgz' },
      { name: 'cars_annos.mat', url: 'http://imagenet.stanford.edu/internal/car196/cars_annos.mat' },
    ],
  },
  'fashion-mnist': {
    folder: 'fashion-mnist',
    extractTo: 'fashion-mnist',
    files: [
      ['train-images-idx3-ubyte.gz', '8d4fb7e6c68d591d4c3dfef9ec88bf0d'],
      ['train-labels-idx1-ubyte.gz', '25c81989df183df01b3e8a0aad5dffbe'],
      ['t10k-images-idx3-ubyte.gz', 'bef4ecab320f06d8554ea6380940ec79'],
      ['t10k-labels-idx1-ubyte.gz', 'bb300cfdad3c16e7a12a480ee83cd310'],
    ].map(([name, md5]) => ({ name, md5, url: `http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/${name}` })),
  },
};

/** In-Shop has no public direct link: the user fetches it by hand. */
export const INSHOP_MANUAL =
  'In-Shop (DeepFashion In-shop Clothes Retrieval) must be downloaded by hand from the DeepFashion ' +
  'page (Google Drive): put list_eval_partition.txt and the unzipped img.zip (img/WOMEN/…, img/MEN/…) ' +
  'in ROOT/Inshop/, then run `facet data check inshop --root ROOT`.';
