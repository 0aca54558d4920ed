# qvcp in a container: `docker build -t qvcp .` then
#   docker run --rm qvcp conform --profile wire
#   docker run --rm -v "$PWD:/work" qvcp conform --driver "exec:./my-node" --report reports/qvcp
# Runtime dependencies only (no plot, test or docs extras).
FROM python:3.11-slim

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

COPY . /src/qvcp
RUN python -m pip install /src/qvcp && rm -rf /src/qvcp

WORKDIR /work
ENTRYPOINT ["qvcp"]
CMD ["--help"]
