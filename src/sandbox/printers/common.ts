// The columns and cells nearly every printer shares: NAME, AGE, and the wide CONTAINERS / IMAGES.
import type { KubeObject } from '../apimachinery/kube-object';
import { DOC } from './descriptions';
import { since } from '../../shared/kubectl-time';
import { column } from './table';
import { asString } from './values';

export const nameColumn = column('Name', 'string', DOC.name, { format: 'name' });
export const ageColumn = column('Age', 'string', DOC.creationTimestamp);
export const containersColumn = column('Containers', 'string', DOC.containers, { priority: 1 });
export const imagesColumn = column('Images', 'string', DOC.images, { priority: 1 });

export const nameOf = (object: KubeObject): string => asString(object.metadata.name);

/** translateTimestampSince(obj.CreationTimestamp). */
export const ageOf = (object: KubeObject, now: Date): string => since(object.metadata.creationTimestamp, now);
