// How big a release may be, in one place: the caps that stop a hostile or broken mirror from
// filling the disk or the memory of the extension host (a gzip bomb, an endless body).
const MIB = 1024 * 1024;

/**
 * Bytes of one downloaded (compressed) archive. The largest real Istio archive is about 50 MB
 * (1.2x–1.2x osx/linux tarballs carry one Go binary, istioctl); four times that leaves room for
 * growth and stops an endless or padded body long before it hurts.
 */
export const MAX_ARCHIVE_BYTES = 200 * MIB;

/**
 * Bytes an archive may unpack to, counted both as the sizes its entries declare and as the bytes
 * the decompressor produces. A real release unpacks to 100–250 MB (istioctl is most of it); twice
 * the upper end. A gzip that inflates beyond this (1 GB from 1 MB) is refused as soon as it does.
 */
export const MAX_UNPACKED_BYTES = 512 * MIB;

/** "512 MB": a limit as people read it, for messages. */
export function megabytes(bytes: number): string {
  return `${Math.round(bytes / MIB)} MB`;
}
