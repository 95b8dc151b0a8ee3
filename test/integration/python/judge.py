"""The Kubernetes Python client (Debian's python3-kubernetes) judging the sandbox.

Run by test/integration/sandbox-python-client.test.ts as `/usr/bin/python3 judge.py CASE ARGS…`
with KUBECONFIG set. Each case drives the client the way its users do and prints what it saw:
JSON on the last line, or (for a followed log) one line per event, flushed at once.
"""
import json
import sys

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException
from kubernetes.stream import stream


def config_map(name, data):
    return client.V1ConfigMap(metadata=client.V1ObjectMeta(name=name), data=data)


def watch_config_maps(v1, namespace):
    """ADDED for a new ConfigMap, then MODIFIED for the change made on seeing it."""
    v1.create_namespaced_config_map(namespace, config_map("watched", {"step": "1"}))
    events = []
    w = watch.Watch()
    for event in w.stream(v1.list_namespaced_config_map, namespace):
        name = event["object"].metadata.name
        events.append({"type": event["type"], "name": name, "data": event["object"].data})
        if event["type"] == "ADDED" and name == "watched":
            v1.patch_namespaced_config_map("watched", namespace, {"data": {"step": "2"}})
        if event["type"] == "MODIFIED" and name == "watched":
            w.stop()
    return {"events": events}


def follow_log(v1, namespace, pod):
    """Lines of a followed log as they come, then EOF when the stream ends."""
    for line in watch.Watch().stream(v1.read_namespaced_pod_log, name=pod, namespace=namespace):
        print("LINE " + line, flush=True)
    print("EOF", flush=True)
    return None


def exec_echo(v1, namespace, pod):
    output = stream(v1.connect_get_namespaced_pod_exec, pod, namespace,
                    command=["echo", "hello from python"], stderr=True, stdin=False, stdout=True, tty=False)
    return {"output": output}


def api_errors(v1, namespace):
    """What an ApiException carries for a 404 and a 409: status, reason and the Status body."""
    result = {}
    try:
        v1.read_namespaced_config_map("no-such-map", namespace)
    except ApiException as error:
        result["notFound"] = {"status": error.status, "reason": error.reason, "body": json.loads(error.body)}
    v1.create_namespaced_config_map(namespace, config_map("twice", {}))
    try:
        v1.create_namespaced_config_map(namespace, config_map("twice", {}))
    except ApiException as error:
        result["alreadyExists"] = {"status": error.status, "reason": error.reason, "body": json.loads(error.body)}
    return result


def relist_after_gone(v1, namespace, old_version):
    """A watch from a resourceVersion the server no longer has: 410, then list and watch again."""
    result = {}
    try:
        for _ in watch.Watch().stream(v1.list_namespaced_config_map, namespace, resource_version=old_version):
            result["unexpectedEvent"] = True
            break
    except ApiException as error:
        result["gone"] = {"status": error.status, "reason": error.reason}
    listed = v1.list_namespaced_config_map(namespace)
    result["relistedNames"] = sorted(item.metadata.name for item in listed.items)
    # Made after the list: the watch from the list's resourceVersion replays it.
    v1.create_namespaced_config_map(namespace, config_map("after-relist", {}))
    w = watch.Watch()
    for event in w.stream(v1.list_namespaced_config_map, namespace, resource_version=listed.metadata.resource_version):
        result["afterRelist"] = {"type": event["type"], "name": event["object"].metadata.name}
        w.stop()
    return result


def main():
    config.load_kube_config()
    v1 = client.CoreV1Api()
    case, args = sys.argv[1], sys.argv[2:]
    cases = {
        "watch-config-maps": watch_config_maps,
        "follow-log": follow_log,
        "exec-echo": exec_echo,
        "api-errors": api_errors,
        "relist-after-gone": relist_after_gone,
    }
    result = cases[case](v1, *args)
    if result is not None:
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
