# nsrecon in a container: a static binary on a distroless base, running as a
# non-root user, with the ledger on a volume.
#
#   docker build -t nsrecon .
#   docker run --rm -v nsrecon-ledger:/var/lib/nsrecon \
#     -v /etc/nsrecon/config.yaml:/etc/nsrecon/config.yaml:ro \
#     -e STRIPE_API_KEY -e NSRECON_NETSUITE_AUTH_TOKEN_SECRET … nsrecon reconcile
#
# Secrets: pass them as environment variables, or mount files and point
# NSRECON_<KEY>_FILE at them (Docker and Kubernetes secrets).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/nsrecon ./cmd/nsrecon

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/nsrecon /nsrecon
# The ledger must outlive the container: it is what makes re-runs idempotent.
ENV NSRECON_LEDGER_PATH=/var/lib/nsrecon/ledger.db \
    NSRECON_CONFIG=/etc/nsrecon/config.yaml
VOLUME ["/var/lib/nsrecon"]
USER nonroot:nonroot
ENTRYPOINT ["/nsrecon"]
CMD ["reconcile", "--log-format", "json"]
