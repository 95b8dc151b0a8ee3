# Cases run by test/integration/sandbox-ruby-kubeclient.test.ts: Debian's ruby-kubeclient 4.9, a
# client the project did not write, against the sandbox named by $KUBECONFIG. Each case prints one
# JSON line. Kubeclient 4.9 watches through the legacy /api/v1/watch/... paths and discovers the
# resources of a group-version from its APIResourceList before the first call.
require 'json'
require 'kubeclient'

def client(group_path, version)
  config = Kubeclient::Config.read(ENV.fetch('KUBECONFIG'))
  context = config.context
  Kubeclient::Client.new(context.api_endpoint + group_path, version,
                         ssl_options: context.ssl_options, auth_options: context.auth_options)
end

def error_shape(error)
  { 'code' => error.error_code, 'message' => error.message, 'class' => error.class.name }
end

case ARGV[0]
when 'watch-config-maps'
  namespace = ARGV[1]
  core = client('/api', 'v1')
  version = core.get_config_maps(namespace: namespace).resourceVersion
  watcher = core.watch_config_maps(namespace: namespace, resource_version: version)
  events = []
  reader = Thread.new do
    watcher.each do |notice|
      events << { 'type' => notice.type, 'name' => notice.object.metadata.name, 'step' => notice.object.data&.step }
      break if events.length == 2
    end
  end
  core.create_config_map(Kubeclient::Resource.new(metadata: { name: 'ruby-watched', namespace: namespace }, data: { step: '1' }))
  core.patch_config_map('ruby-watched', { data: { step: '2' } }, namespace)
  reader.join(30) or raise 'no two events within 30 s'
  watcher.finish
  puts JSON.generate('events' => events)
when 'errors'
  namespace = ARGV[1]
  core = client('/api', 'v1')
  result = {}
  begin
    core.get_config_map('no-such-map', namespace)
  rescue Kubeclient::HttpError => e
    result['notFound'] = error_shape(e)
  end
  map = Kubeclient::Resource.new(metadata: { name: 'ruby-twice', namespace: namespace }, data: { a: 'b' })
  core.create_config_map(map)
  begin
    core.create_config_map(map)
  rescue Kubeclient::HttpError => e
    result['alreadyExists'] = error_shape(e)
  end
  puts JSON.generate(result)
when 'apps'
  apps = client('/apis/apps', 'v1')
  names = apps.get_deployments(namespace: ARGV[1]).map { |deployment| deployment.metadata.name }
  puts JSON.generate('deployments' => names.sort)
else
  abort "unknown case #{ARGV[0]}"
end
