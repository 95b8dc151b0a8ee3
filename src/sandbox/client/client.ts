// The controllers' client: writes go through the API server's own create/update/delete paths (RestStorage), so
// defaults, managedFields and watch events are those of any other writer.
import type { KubeObject } from '../apimachinery/kube-object';
import type { ObjectStorage, RestStorage } from '../storage/storage';
import type { ResourceRegistry } from '../apimachinery/resource-registry';
import type { ResourceRequest } from '../apimachinery/request-info';
import { storageKey } from '../apimachinery/resource-types';

export interface Resource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

const core = (resource: string): Resource => ({ group: '', version: 'v1', resource });
const apps = (resource: string): Resource => ({ group: 'apps', version: 'v1', resource });

export const PODS = core('pods');
export const NODES = core('nodes');
export const SERVICES = core('services');
export const ENDPOINTS = core('endpoints');
export const ENDPOINT_SLICES: Resource = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' };
export const DEPLOYMENTS = apps('deployments');
export const REPLICA_SETS = apps('replicasets');
export const STATEFUL_SETS = apps('statefulsets');
export const DAEMON_SETS = apps('daemonsets');
export const JOBS: Resource = { group: 'batch', version: 'v1', resource: 'jobs' };
export const PDBS: Resource = { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets' };
export const HPAS: Resource = { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' };

export class ControllerClient {
  constructor(
    private readonly api: RestStorage,
    private readonly store: ObjectStorage,
    private readonly registry: ResourceRegistry,
    private readonly userAgent: string,
  ) {}

  private request(
    resource: Resource,
    verb: string,
    namespace?: string,
    name?: string,
    subresource?: string,
  ): ResourceRequest {
    const type = this.registry.find(resource.group, resource.version, resource.resource);
    if (!type) throw new Error(`the sandbox does not serve ${resource.resource}.${resource.group}/${resource.version}`);
    return {
      group: resource.group,
      version: resource.version,
      type,
      namespace,
      name,
      subresource,
      rest: [],
      verb,
      userAgent: this.userAgent,
    };
  }

  /** Objects as stored (storage version), optionally in one namespace. */
  list(resource: Resource, namespace?: string): KubeObject[] {
    return this.store.list(storageKey({ group: resource.group, resource: resource.resource }), namespace);
  }

  get(resource: Resource, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(storageKey({ group: resource.group, resource: resource.resource }), namespace, name);
  }

  create(resource: Resource, object: KubeObject): KubeObject {
    return this.api.create(this.request(resource, 'create', object.metadata.namespace), object);
  }

  update(resource: Resource, object: KubeObject): KubeObject {
    return this.api.update(
      this.request(resource, 'update', object.metadata.namespace, object.metadata.name),
      object,
    )[1];
  }

  updateStatus(resource: Resource, object: KubeObject): KubeObject {
    return this.api.update(
      this.request(resource, 'update', object.metadata.namespace, object.metadata.name, 'status'),
      object,
    )[1];
  }

  /** Deletes with the object's own grace period, or `gracePeriodSeconds` (the kubelet's final delete is 0). */
  delete(resource: Resource, object: KubeObject, gracePeriodSeconds?: number): void {
    const req = this.request(resource, 'delete', object.metadata.namespace, object.metadata.name);
    this.api.deleteObject(req.type, object, { propagationPolicy: 'Background', gracePeriodSeconds });
  }
}
