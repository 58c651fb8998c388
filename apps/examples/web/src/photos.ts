/** The CC0 photos in apps/examples/images; Vite copies each one the page references. */
export const PHOTOS: Readonly<Record<string, string>> = {
  'chelsea.png': new URL('../../images/chelsea.png', import.meta.url).href,
  'coffee.png': new URL('../../images/coffee.png', import.meta.url).href,
  'rocket.jpg': new URL('../../images/rocket.jpg', import.meta.url).href,
};
