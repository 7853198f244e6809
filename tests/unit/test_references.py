"""Helpers of the KL6xx rules (kubelint/rules/references/): credential-looking names and
values, and the edge cases the golden fixtures cannot hold (schema-invalid input, config)."""

from __future__ import annotations

import pytest

from kubelint.rules.references.credentials import (
    known_token,
    literal_secret_value,
    name_words,
    secret_assignment,
    secret_like_name,
)
from tests.helpers import lines, run_text, triples


@pytest.mark.parametrize("name, words", [
    ("DB_PASSWORD", ["DB", "PASSWORD"]),
    ("dbPassword", ["DB", "PASSWORD"]),
    ("AWSSecretAccessKey", ["AWS", "SECRET", "ACCESS", "KEY"]),
    ("spring.datasource.password", ["SPRING", "DATASOURCE", "PASSWORD"]),
    ("api-key", ["API", "KEY"]),
    ("", []),
])
def test_name_words(name, words):
    assert name_words(name) == words


@pytest.mark.parametrize("name", [
    "PASSWORD", "password", "DB_PASS", "DB_PASSWD", "MYSQL_ROOT_PASSWORD", "REDIS_PWD", "GPG_PASSPHRASE",
    "API_KEY", "apiKey", "APIKEY", "AUTH_TOKEN", "authToken", "GITHUB_TOKEN", "SECRET", "JWT_SECRET",
    "clientSecret", "PRIVATE_KEY", "PRIVATE_KEY_PEM", "ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "SECRET_KEY",
    "ENCRYPTION_KEY", "AZURE_STORAGE_ACCOUNT_KEY", "NEW_RELIC_LICENSE_KEY", "DB_CREDENTIALS", "CREDS",
    "SECRET_KEY_BASE", "OCI_CLI_KEY_CONTENT", "admin_password", "bearer_token",
])
def test_secret_like_names(name):
    assert secret_like_name(name)


@pytest.mark.parametrize("name", [
    # pointers to a secret, not the secret
    "DB_SECRET_NAME", "AWS_ACCESS_KEY_ID", "KEY_ID", "TOKEN_URL", "TOKEN_ENDPOINT", "PASSWORD_FILE",
    "API_KEY_PATH", "KEY_REF", "SECRET_REF", "TLS_SECRET", "IMAGE_PULL_SECRET", "password_file",
    "bearer_token_file",
    # public material, identifiers and other keys
    "PUBLIC_KEY", "SSH_PUBLIC_KEY", "STRIPE_PUBLISHABLE_KEY", "CACHE_KEY", "PARTITION_KEY", "KEY",
    "SECRET_USERNAME", "ETCD_INITIAL_CLUSTER_TOKEN", "PASSWORD_HASH_ALGORITHM",
    # flags and limits about secrets
    "MYSQL_ALLOW_EMPTY_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD", "PASSWORD_REQUIRED", "ENABLE_TOKEN",
    "MAX_TOKENS", "MAX_TOKEN", "TOKEN_TTL", "TOKEN_LIMIT", "PASSWORD_MIN_LENGTH",
    # the working directory, and names without words
    "PWD", "OLDPWD", "", "___",
])
def test_not_secret_like_names(name):
    assert not secret_like_name(name)


@pytest.mark.parametrize("value", ["hunter2", "s3cr3t!", "123456", "changeme", "abc.def.ghi",
                                   "postgres://app:hunter2@db/app"])
def test_literal_secret_values(value):
    assert literal_secret_value(value)


@pytest.mark.parametrize("value", [
    None, 42, True, "", "   ", '""', "true", "False", "yes", "0", "null",
    "$(DB_PASSWORD)", "${DB_PASSWORD}", "{{ .Values.password }}", "<%= ENV['X'] %>",
    "/run/secrets/db", "./secret.txt", "file:/etc/token", "vault:secret/data/app#password",
    "https://auth.example.com/token", "postgres://db.shop.svc:5432/app",
    "REPLACE_ME", "GOOGLE_API_KEY_VAL", "<your-password>", "xxxx", "***", "...",
])
def test_not_literal_secret_values(value):
    assert not literal_secret_value(value)


@pytest.mark.parametrize("text, what", [
    ("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----", "a private key"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----", "a private key"),
    ("-----BEGIN PGP PRIVATE KEY BLOCK-----", "a private key"),
    ("key = AKIAZ7Q3EXAMPLE0QQQQ", "an AWS access key id"),
    ("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "a GitHub token"),
    ("xoxb-123456789012-abcdefghijkl", "a Slack token"),
    ("https://hooks.slack.com/services/T0000000/B0000000/XXXXXXXXXXXXXXXXXXXXXXXX", "a Slack webhook URL"),
    ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9", "a JSON Web Token"),
    ("AIzaSyA1234567890abcdefghijklmnopqrstuv", "a Google API key"),
    ("amqp://guest:guest@rabbitmq:5672", "a URL with a password in it"),
])
def test_known_tokens(text, what):
    assert known_token(text) == what


@pytest.mark.parametrize("text", [
    "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----",
    "-----BEGIN CERTIFICATE-----\nMIID\n-----END CERTIFICATE-----",
    "AKIAIOSFODNN7EXAMPLE",  # AWS documentation's sample key
    "ghp_short", "eyJhbGciOiJIUzI1NiJ9", "https://user@example.com/x",
    "postgres://app:$(DB_PASSWORD)@db/app", "plain text",
])
def test_not_known_tokens(text):
    assert known_token(text) is None


@pytest.mark.parametrize("text, key", [
    ("password=hunter2", "password"),
    ("[db]\nhost = db\npassword = hunter2\n", "password"),
    ("auth:\n  token: abc123xyz\n", "token"),
    ('{"endpoint": "https://x", "apiKey": "k-8f7e6d5c"}', "apiKey"),
    ("spring.datasource.password=s3cr3t", "spring.datasource.password"),
])
def test_secret_assignments(text, key):
    assert secret_assignment(text) == key


@pytest.mark.parametrize("text", [
    "# password=hunter2", "// token: abc123", "password: ${DB_PASSWORD}", "password:\n  fromEnv: X",
    "password_file = /run/secrets/db", 'token: ""', "require_password: true", "secret_name: app-secret",
    "admin_password = $__env{GF_PASSWORD}", "no secrets here", "",
])
def test_not_secret_assignments(text):
    assert secret_assignment(text) is None


_WRONG_TYPES = """
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, namespace: shop}
data: [not, a, map]
---
apiVersion: v1
kind: Secret
metadata: {name: s, namespace: shop}
data: 12
stringData: {password: [1, 2]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: 7
      imagePullSecrets: [null, {name: 3}, "regcred"]
      volumes: [null, {name: v, configMap: "x"}, {name: w, secret: {secretName: [1]}},
                {name: p, projected: {sources: [null, {configMap: {name: null, items: 5}}]}}]
      containers:
      - name: web
        image: nginx
        env: [null, {name: 5, value: 6}, {name: PASSWORD, value: [1]}, {name: X, valueFrom: 7},
              {name: Y, valueFrom: {secretKeyRef: {name: s, key: [1]}}}]
        envFrom: [null, {configMapRef: "cm"}, {secretRef: {name: 9}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: shop}
roleRef: [1]
subjects: [null, {kind: ServiceAccount, name: [1]}, {kind: ServiceAccount, namespace: 5, name: x}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: pvc, namespace: shop}
spec: {storageClassName: {a: 1}}
"""


def test_wrong_types_are_skipped_without_errors():
    result = run_text(_WRONG_TYPES, select=["KL6"])
    assert not [line for line in lines(result) if "internal error" in line]


_SOPS = """
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: shop}
stringData:
  password: ENC[AES256_GCM,data:p673w==,iv:YY=,tag:Mjg==,type:str]
  user: ENC[AES256_GCM,data:Ym9i,iv:YY=,tag:Mjg==,type:str]
  note: this value is left unencrypted by an unencrypted_regex
sops:
  version: 3.8.1
"""


def test_sops_encrypted_secret_is_not_reported():
    assert triples(run_text(_SOPS, select=["KL607"]), "KL607") == []
    # Without the sops metadata, the plain value is reported.
    plain = _SOPS.split("sops:")[0]
    assert triples(run_text(plain, select=["KL607"]), "KL607") == [("KL607", 5, 1)]


_MISSING = """
apiVersion: v1
kind: Secret
metadata: {name: other, namespace: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
  - name: web
    image: nginx
    envFrom:
    - secretRef: {name: db}
"""


def test_assume_present_silences_a_missing_reference():
    assert triples(run_text(_MISSING, select=["KL602"]), "KL602") == [("KL602", 14, 25)]
    for pattern in ("Secret/db", "Secret/shop/db", "Secret/*"):
        assert triples(run_text(_MISSING, select=["KL602"], assume_present=[pattern]), "KL602") == []


def test_complete_set_reports_kinds_it_does_not_hold():
    pod_only = _MISSING.split("---")[1]
    assert triples(run_text(pod_only, select=["KL602"]), "KL602") == []
    assert triples(run_text(pod_only, select=["KL602"], complete=True), "KL602") == [("KL602", 10, 25)]


def test_kustomization_object_generators_count_as_present():
    text = _MISSING + """---
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
secretGenerator:
- name: db
  literals: [password=x]
"""
    assert triples(run_text(text, select=["KL602"]), "KL602") == []
