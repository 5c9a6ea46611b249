import Testing

@testable import CachewrapCore

/// Guards the kubectl policy (docs/architecture.md, Policies): the reads it caches and for how
/// long, every spelling of a secret read that must never be stored, the watches, terminals and
/// editors that must keep the process, and the mutations that drop a cluster's answers.
@Suite struct KubectlPolicyTests {
    static let cases: [PolicyCase] = [
        .cache(["get", "pods"], "get", .live),
        .cache(["get", "pods", "-n", "kube-system", "-o", "wide"], "get", .live),
        .cache(["-n", "get", "get", "pods"], "get", .live),
        .cache(["get", "all", "-o", "yaml"], "get", .live),
        .cache(["get", "pods,svc", "-l", "app=web"], "get", .live),
        .cache(["get", "deploy/web", "-o", "json", "--namespace=a"], "get", .live),
        .cache(["get", "events", "-A", "--sort-by", ".lastTimestamp"], "get", .live),
        .cache(["describe", "pod", "web-1"], "describe", .live),
        .cache(["describe", "nodes"], "describe", .live),
        .cache(["events", "-n", "a"], "events", .live),
        .cache(["--context", "prod", "--cluster", "c", "--server", "https://k:6443", "--kubeconfig", "/k",
                "--user", "u", "--as", "x", "--request-timeout", "5s", "get", "pods"], "get", .live),
        .cache(["--token", "t0ken-value", "get", "pods"], "get", .live),
        .cache(["top", "pods", "-A"], "top pods", .metrics),
        .cache(["top", "node"], "top node", .metrics),
        .cache(["explain", "pods.spec.containers"], "explain", .metadata),
        .cache(["explain", "secret"], "explain", .metadata),
        .cache(["api-resources", "--namespaced=true", "-o", "wide"], "api-resources", .metadata),
        .cache(["api-versions"], "api-versions", .metadata),
        .cache(["version"], "version", .metadata),
        .cache(["version", "-o", "json"], "version", .metadata),
        .cache(["cluster-info"], "cluster-info", .metadata),
        .cache(["version", "--client"], "version --client", .static),
        .cache(["version", "--client=true", "-o", "yaml"], "version --client", .static),
        .cache(["get", "pods", "--help"], "help", .static),
        .cache(["delete", "pod", "x", "-h"], "help", .static),
        .cache(["help", "get"], "help", .static),
        .cache(["completion", "bash"], "completion", .static),
        .cache(["auth", "whoami"], "auth whoami", .identity),
        .cache(["auth", "can-i", "list", "pods"], "auth can-i", .identity),
        // Anything that may print a secret's value, in any spelling and any output format.
        .never(.passthrough, ["get", "secret"], "get"),
        .never(.passthrough, ["get", "secrets", "-o", "yaml"], "get"),
        .never(.passthrough, ["get", "secrets,pods", "-o", "json"], "get"),
        .never(.passthrough, ["get", "pods,secrets"], "get"),
        .never(.passthrough, ["get", "secret/x"], "get"),
        .never(.passthrough, ["get", "Secret"], "get"),
        .never(.passthrough, ["get", "SECRETS", "-n", "a"], "get"),
        .never(.passthrough, ["get", "secrets.v1.", "-o", "json"], "get"),
        .never(.passthrough, ["get", "secret.v1", "db"], "get"),
        .never(.passthrough, ["get", "pod/a", "secret/b"], "get"),
        .never(.passthrough, ["get", "-o", "yaml", "secrets"], "get"),
        .never(.passthrough, ["get", "-A", "-o", "jsonpath={.items[*].data}", "--", "secrets"], "get"),
        .never(.passthrough, ["describe", "secret", "db"], "describe"),
        .never(.passthrough, ["describe", "secrets"], "describe"),
        .never(.passthrough, ["get", "--raw", "/api/v1/secrets"], "get"),
        .never(.passthrough, ["get", "--raw=/api/v1/namespaces/a/pods"], "get"),
        .never(.passthrough, ["get", "-f", "x.yaml"], "get"),
        .never(.passthrough, ["get", "-fx.yaml", "-o", "yaml"], "get"),
        .never(.passthrough, ["get", "--filename=x.yaml"], "get"),
        .never(.passthrough, ["get", "-k", "overlays/prod"], "get"),
        .never(.passthrough, ["describe", "-f", "x.yaml"], "describe"),
        .never(.passthrough, ["get", "pods", "-o", "go-template-file=t.tmpl"], "get"),
        .never(.passthrough, ["get", "pods", "-ojsonpath-file=p.txt"], "get"),
        .never(.passthrough, ["get", "-Ao", "yaml", "secrets"]),
        .never(.passthrough, ["config", "view", "--raw"], "config view"),
        .never(.passthrough, ["config", "view"], "config view"),
        .never(.passthrough, ["config", "get-contexts"], "config get-contexts"),
        .never(.passthrough, ["create", "token", "sa"], "create token"),
        .never(.passthrough, ["apply", "view-last-applied", "secret/db"], "apply view-last-applied"),
        // Streams, copies and debugging runs: live, never stored.
        .never(.passthrough, ["cluster-info", "dump"], "cluster-info dump"),
        .never(.passthrough, ["logs", "web-1"], "logs"),
        .never(.passthrough, ["logs", "-f", "web-1"], "logs"),
        .never(.passthrough, ["exec", "web-1", "--", "ls", "-it"], "exec"),
        .never(.passthrough, ["cp", "web-1:/tmp/a", "a"], "cp"),
        .never(.passthrough, ["rollout", "status", "deploy/web"], "rollout status"),
        .never(.passthrough, ["rollout", "history", "deploy/web"], "rollout history"),
        .never(.passthrough, ["wait", "--for=condition=Ready", "pod/web-1"], "wait"),
        .never(.passthrough, ["diff", "-f", "x.yaml"], "diff"),
        .never(.passthrough, ["-v=8", "get", "pods"], "get"),
        .never(.passthrough, ["--v", "6", "get", "pods"], "get"),
        .never(.passthrough, ["plugin", "list"], "plugin list"),
        .never(.passthrough, ["view-secret", "db"]),
        // Terminals, editors, watches and confirmations keep the process.
        .never(.interactive, ["exec", "-it", "web-1", "--", "sh"], "exec"),
        .never(.interactive, ["exec", "-i", "web-1", "--", "sh"], "exec"),
        .never(.interactive, ["exec", "--stdin", "--tty", "web-1", "--", "sh"], "exec"),
        .never(.interactive, ["attach", "web-1"], "attach"),
        .never(.interactive, ["edit", "deploy/web"], "edit"),
        .never(.interactive, ["run", "-it", "tmp", "--image=busybox", "--", "sh"], "run"),
        .never(.interactive, ["debug", "-it", "web-1", "--image", "busybox"], "debug"),
        .never(.interactive, ["port-forward", "web-1", "8080:80"], "port-forward"),
        .never(.interactive, ["proxy", "-p", "8001"], "proxy"),
        .never(.interactive, ["get", "pods", "-w"], "get"),
        .never(.interactive, ["get", "pods", "--watch"], "get"),
        .never(.interactive, ["get", "pods", "--watch-only"], "get"),
        .never(.interactive, ["get", "pods", "-Aw"], "get"),
        .never(.interactive, ["get", "secrets", "-w"], "get"),
        .never(.interactive, ["events", "-w"], "events"),
        .never(.interactive, ["delete", "pod", "x", "-i"], "delete"),
        .never(.interactive, ["delete", "pod", "x", "--interactive"], "delete"),
        .never(.interactive, ["apply", "edit-last-applied", "deploy/web"], "apply edit-last-applied"),
        // Changes to the cluster or the kubeconfig.
        .never(.mutating, ["apply", "-f", "x.yaml"], "apply"),
        .never(.mutating, ["apply", "-k", "overlays/prod"], "apply"),
        .never(.mutating, ["create", "-f", "x.yaml"], "create"),
        .never(.mutating, ["create", "deployment", "web", "--image=nginx"], "create deployment"),
        .never(.mutating, ["create", "secret", "generic", "s", "--from-literal=password=x"], "create secret"),
        .never(.mutating, ["create", "namespace", "x"], "create namespace"),
        .never(.mutating, ["delete", "pod", "web-1"], "delete"),
        .never(.mutating, ["delete", "-f", "x.yaml"], "delete"),
        .never(.mutating, ["patch", "deploy", "web", "-p", #"{"spec":{"replicas":2}}"#], "patch"),
        .never(.mutating, ["replace", "-f", "x.yaml"], "replace"),
        .never(.mutating, ["scale", "deploy/web", "--replicas=3"], "scale"),
        .never(.mutating, ["autoscale", "deploy", "web", "--max=5"], "autoscale"),
        .never(.mutating, ["rollout", "restart", "deploy/web"], "rollout restart"),
        .never(.mutating, ["rollout", "undo", "deploy/web"], "rollout undo"),
        .never(.mutating, ["label", "pods", "web-1", "tier=web"], "label"),
        .never(.mutating, ["annotate", "pod", "web-1", "a=b"], "annotate"),
        .never(.mutating, ["set", "image", "deploy/web", "app=nginx:2"], "set image"),
        .never(.mutating, ["set", "env", "deploy/web", "K=V"], "set env"),
        .never(.mutating, ["cordon", "node-1"], "cordon"),
        .never(.mutating, ["uncordon", "node-1"], "uncordon"),
        .never(.mutating, ["drain", "node-1", "--ignore-daemonsets"], "drain"),
        .never(.mutating, ["taint", "nodes", "node-1", "k=v:NoSchedule"], "taint"),
        .never(.mutating, ["expose", "deploy", "web", "--port=80"], "expose"),
        .never(.mutating, ["run", "tmp", "--image=busybox", "--restart=Never", "--", "echo", "hi"], "run"),
        .never(.mutating, ["debug", "node/node-1", "--image=busybox"], "debug"),
        .never(.mutating, ["certificate", "approve", "csr-1"], "certificate approve"),
        .never(.mutating, ["certificate", "deny", "csr-2"], "certificate deny"),
        .never(.mutating, ["auth", "reconcile", "-f", "rbac.yaml"], "auth reconcile"),
        .never(.mutating, ["config", "use-context", "prod"], "config use-context"),
        .never(.mutating, ["config", "set-context", "--current", "--namespace=a"], "config set-context"),
        .never(.mutating, ["config", "set-credentials", "u", "--token=x"], "config set-credentials"),
        .never(.mutating, ["config", "delete-context", "old"], "config delete-context"),
        .never(.passthrough, []),
    ]

    @Test(arguments: cases) func classifies(_ c: PolicyCase) { c.check(KubectlPolicy.spec) }

    @Test func tableIsLargeEnough() { #expect(Self.cases.count >= 25) }

    /// A cluster whose last letter takes the next word (`-An NS`, `-Al SEL`) hides which words
    /// are resources, so nothing about it is believed: not help, not a read; and it may be a
    /// mutation, so the cluster's answers are dropped.
    @Test func aClusterTakingTheNextWordIsNeverClassified() {
        for argv in [["get", "-Ao", "yaml", "secrets"], ["delete", "-Al", "-h", "pods"], ["delete", "-An", "a", "pods", "--all"]] {
            let d = KubectlPolicy.spec.decide(argv)
            #expect(d.commandClass == .passthrough && d.invalidates, "\(argv): \(d.reason)")
        }
        // A value glued to its letter takes no next word: `-nweb` is the namespace "web".
        #expect(KubectlPolicy.spec.decide(["get", "pods", "-nweb"]).commandClass == .cacheable(.live))
        #expect(KubectlPolicy.spec.decide(["get", "pods", "-it"]).commandClass == .cacheable(.live))
    }

    /// Editors, confirmations and `run -it` create or change what they open: they keep the
    /// terminal and still drop the cluster's answers; watches and attaches change nothing.
    @Test func interactiveChangesInvalidate() {
        for argv in [["edit", "deploy/web"], ["delete", "pod", "x", "-i"], ["run", "-it", "t", "--image=b"],
                     ["apply", "edit-last-applied", "deploy/web"], ["debug", "-it", "web-1", "--image=b"]] {
            #expect(KubectlPolicy.spec.decide(argv).invalidates, "\(argv)")
        }
        for argv in [["get", "pods", "-w"], ["exec", "-it", "web-1", "--", "sh"], ["port-forward", "web-1", "80"]] {
            #expect(!KubectlPolicy.spec.decide(argv).invalidates, "\(argv)")
        }
    }

    @Test func keyInputs() {
        let argv = ["--token", "t0ken-value", "get", "pods"]
        let d = KubectlPolicy.spec.decide(Invocation(argv, environment: ["HOME": "/h"]))
        #expect(d.keyEnv.contains("KUBECONFIG"))
        #expect(d.redaction.redact(argv) == [1: "<redacted>"], "--token T is hashed")
        #expect(d.redaction.redact(["get", "pods", "--token=t0ken-value"]) == [2: "--token=<redacted>"])
        #expect(d.identityFiles == ["/h/.kube/config", "/h/.kube/kuberc"])
        #expect(d.retries == 2)
        func files(_ argv: [String], _ env: [String: String]) -> [String] {
            KubectlPolicy.identityFiles(Invocation(argv, environment: Variables(env.merging(["HOME": "/h"]) { a, _ in a })))
        }
        #expect(files(["get", "pods"], ["KUBECONFIG": "/a:/b::/a"]) == ["/a", "/b", "/h/.kube/kuberc"])
        #expect(files(["--kubeconfig", "/k", "get", "pods"], ["KUBECONFIG": "/a"]) == ["/k", "/h/.kube/kuberc"],
                "--kubeconfig wins over KUBECONFIG, as in kubectl")
        #expect(files(["get", "pods", "--kuberc=/r"], ["KUBERC": "/e"]).last == "/r")
        #expect(files(["get", "pods"], ["KUBERC": "/e"]).last == "/e")
    }

    /// What kubectl prints when the server is away or overloaded is worth a retry; a refused
    /// login is not.
    @Test func transientTexts() {
        func transient(_ stderr: String) -> Bool {
            KubectlPolicy.spec.transient.contains { $0.matches(finishedRun(1, stderr: stderr).transcript) }
        }
        #expect(transient("Unable to connect to the server: dial tcp 10.0.0.1:443: i/o timeout\n"))
        #expect(transient("Unable to connect to the server: net/http: TLS handshake timeout\n"))
        #expect(transient("Error from server (ServiceUnavailable): the server is currently unable to handle the request\n"))
        #expect(transient("Error from server (TooManyRequests): the server has received too many requests\n"))
        #expect(transient("Error from server: etcdserver: request timed out\n"))
        #expect(!transient("error: You must be logged in to the server (Unauthorized)\n"))
        #expect(!transient("Error from server (NotFound): pods \"x\" not found\n"))
        #expect(!transient("Error from server (Forbidden): pods is forbidden\n"))
    }
}
