import Foundation
import Testing

@testable import CachewrapCore

/// Guards kubectl's scopes: the area is the API server a call reaches (read from the
/// kubeconfig files through the context, or from `--server`), the item the namespace of `-n`
/// when the call is surely that namespace's alone. A read and the mutation that changes it must
/// meet; a call whose reach cannot be known takes the whole cluster.
@Suite struct KubectlScopeTests {
    static let kubeconfig = """
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: LS0tLS1CRUdJTg==
            server: https://prod.example:6443
          name: prod
        - cluster:
            server: https://staging.example
          name: staging
        contexts:
        - context:
            cluster: prod
            namespace: web
            user: admin
          name: prod-admin
        - context:
            cluster: prod
            user: viewer
          name: prod-viewer
        - context:
            cluster: staging
            user: admin
          name: staging
        current-context: prod-admin
        kind: Config
        users:
        - name: admin
          user:
            token: tok-secret-123

        """

    /// A HOME whose `.kube/config` is `kubeconfig`, and a place for more files.
    final class World {
        let temp = StoreTests.TempCache()
        var home: String { temp.root }

        init(_ config: String = KubectlScopeTests.kubeconfig) throws {
            try FileManager.default.createDirectory(atPath: home + "/.kube", withIntermediateDirectories: true)
            try write(".kube/config", config)
        }

        func write(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: URL(fileURLWithPath: home + "/" + name))
        }

        func scope(_ argv: [String], _ env: [String: String] = [:]) -> Scope {
            let env = Variables(env.merging(["HOME": home]) { given, _ in given })
            return KubectlScope.of(KubectlPolicy.spec.shape(argv), Invocation(argv, environment: env))
        }
    }

    static let prod = "kubectl:https://prod.example:6443"

    /// Whether a mutation of `change` drops an answer read in `read` (the marks they share).
    static func drops(_ change: Scope, _ read: Scope) -> Bool { !Set(change.marksChanged).isDisjoint(with: read.marksRead) }

    @Test func aNamespacedReadMeetsTheMutationsThatChangeIt() throws {
        let w = try World()
        let read = w.scope(["get", "pods", "-n", "a"])
        #expect(read == Scope(area: Self.prod, item: "a"))
        #expect(w.scope(["-n", "get", "get", "pods"]) == Scope(area: Self.prod, item: "get"), "-n's value is no command")
        #expect(w.scope(["get", "pods", "-na"]) == read && w.scope(["get", "pods", "--namespace=a"]) == read)
        #expect(Self.drops(w.scope(["delete", "pod", "x", "-n", "a"]), read))
        #expect(!Self.drops(w.scope(["delete", "pod", "x", "-n", "b"]), read), "another namespace's change")
        #expect(!Self.drops(w.scope(["scale", "deploy/web", "--replicas=2", "-n", "b"]), read))
        // Without -n, with manifests, or on cluster-wide (or unknown) kinds: the whole cluster.
        for change in [["delete", "pod", "x"], ["apply", "-f", "x.yaml", "-n", "a"], ["apply", "-n", "b", "-k", "dir"],
                       ["cordon", "node-1", "-n", "b"], ["label", "node", "n1", "x=y", "-n", "b"],
                       ["delete", "namespace", "b"], ["delete", "clusterissuer", "x", "-n", "b"],
                       ["delete", "pods", "--all", "-A", "-n", "b"], ["create", "clusterrole", "r", "-n", "b"],
                       ["delete", "deployments.apps", "web", "-n", "b"], ["config", "use-context", "prod-admin"]] {
            let scope = w.scope(change)
            #expect(scope == Scope(area: Self.prod), "\(change)")
            #expect(Self.drops(scope, read), "\(change)")
        }
    }

    /// Answers without one namespace are the whole cluster's: any change in it drops them.
    @Test func clusterWideReads() throws {
        let w = try World()
        for read in [["get", "pods"], ["get", "pods", "-A"], ["get", "nodes", "-n", "a"], ["get", "pv", "-n", "a"],
                     ["api-resources"], ["get", "widgets", "-n", "a"], ["top", "node", "-n", "a"]] {
            let scope = w.scope(read)
            #expect(scope == Scope(area: Self.prod), "\(read)")
            #expect(Self.drops(w.scope(["delete", "pod", "x", "-n", "b"]), scope), "\(read)")
        }
        #expect(w.scope(["top", "pod", "-n", "a"]) == Scope(area: Self.prod, item: "a"))
        #expect(w.scope(["describe", "svc,deploy", "-n", "a"]) == Scope(area: Self.prod, item: "a"))
    }

    /// `--context` named or current, a context of the same cluster, `--server` and `--cluster`:
    /// one cluster, one area; another cluster, another.
    @Test func theAreaIsTheServerTheCallReaches() throws {
        let w = try World()
        let current = w.scope(["get", "pods"])
        #expect(current.area == Self.prod)
        #expect(w.scope(["--context", "prod-admin", "get", "pods"]) == current, "explicit = current-context")
        #expect(w.scope(["--context=prod-viewer", "delete", "pod", "x"]) == current, "another user, the same cluster")
        #expect(w.scope(["--server", "HTTPS://Prod.Example:6443/", "get", "pods"]) == current)
        #expect(w.scope(["--context", "staging", "get", "pods"]).area == "kubectl:https://staging.example")
        #expect(w.scope(["--cluster", "staging", "get", "pods"]).area == "kubectl:https://staging.example")
        #expect(w.scope(["-s", "https://other:6443", "get", "pods"]).area == "kubectl:https://other:6443")
        #expect(!current.description.contains("tok-secret"))
        #expect(KubectlScope.normalized("https://u:pa55@Host:6443/k8s/C1?x=1") == "https://host:6443/k8s/C1")
    }

    /// `KUBECONFIG` lists files merged as kubectl merges them (the first to name a thing wins);
    /// `--kubeconfig` alone replaces them.
    @Test func kubeconfigFilesMerge() throws {
        let w = try World()
        try w.write("current", "current-context: staging\n")
        try w.write("other", Self.kubeconfig.replacingOccurrences(of: "prod.example", with: "elsewhere"))
        let list = ["KUBECONFIG": "\(w.home)/current:\(w.home)/.kube/config"]
        #expect(w.scope(["get", "pods"], list).area == "kubectl:https://staging.example")
        #expect(w.scope(["get", "pods"], ["KUBECONFIG": "\(w.home)/.kube/config:\(w.home)/other"]).area == Self.prod)
        #expect(w.scope(["--kubeconfig", "\(w.home)/other", "get", "pods"], list).area == "kubectl:https://elsewhere:6443")
    }

    /// A kubeconfig this reader cannot follow names its files, not a context: a read with
    /// `--context X` and a mutation through the current context X must still meet.
    @Test func anUnreadableKubeconfigNamesTheFiles() throws {
        let w = try World(#"{"apiVersion": "v1", "current-context": "prod", "contexts": []}"#)
        let read = w.scope(["--context", "prod", "get", "pods", "-n", "a"])
        #expect(read.area.hasPrefix("kubectl:kubeconfig:") && read.item == "a")
        #expect(Self.drops(w.scope(["delete", "pod", "x"]), read))
        try w.write("second", "{}")
        #expect(w.scope(["get", "pods"], ["KUBECONFIG": "\(w.home)/second"]).area != read.area)
    }

    /// The reader takes the layouts people write by hand too: indented lists, keys in another
    /// order, quotes, comments, and skips block scalars.
    @Test func kubeconfigReader() {
        let text = """
            # by hand
            current-context: "dev"   # the one we use
            certificate: |
              name: not-a-key
              server: https://wrong
            clusters:
              - name: 'dev-cluster'
                cluster:
                  server: "https://dev.example"  # comment
            contexts:
              - name: dev
                context: {cluster: ignored}
              - name: dev
                context:
                  cluster: dev-cluster
            """
        let config = Kubeconfig(files: [Array(text.utf8)])
        #expect(config.currentContext == "dev")
        #expect(config.servers == ["dev-cluster": "https://dev.example"])
        #expect(config.clusters == ["dev": "dev-cluster"])
    }
}
