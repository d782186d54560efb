FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY etl ./etl
COPY flows ./flows
COPY sql ./sql
COPY seeds ./seeds
COPY examples ./examples
RUN pip install --no-cache-dir -e .
COPY . .
CMD ["etl", "--help"]
