-- One schema per service (DESIGN.md), and the enum types every table below uses, created before the tables.
-- Enum values follow the spec's "Custom types" (campaign_type spells one_time with an underscore).

CREATE SCHEMA IF NOT EXISTS common;          -- types shared by several services
CREATE SCHEMA IF NOT EXISTS users;           -- user-directory
CREATE SCHEMA IF NOT EXISTS campaigns;       -- campaign-manager
CREATE SCHEMA IF NOT EXISTS workflows;       -- workflow-engine
CREATE SCHEMA IF NOT EXISTS segments;        -- segmentation-engine
CREATE SCHEMA IF NOT EXISTS personalization; -- personalization-engine
CREATE SCHEMA IF NOT EXISTS experiments;     -- ab-testing-engine
CREATE SCHEMA IF NOT EXISTS analytics;       -- campaign-analytics
CREATE SCHEMA IF NOT EXISTS triggers;        -- trigger-manager
CREATE SCHEMA IF NOT EXISTS delivery;        -- notification-gateway

-- The spec's NotificationChannel: email, SMS, push and in-app delivery.
CREATE TYPE common.notification_channel AS ENUM ('email', 'sms', 'push', 'in_app');

CREATE TYPE campaigns.campaign_type AS ENUM ('one_time', 'recurring', 'triggered', 'drip');
CREATE TYPE campaigns.campaign_status AS ENUM ('draft', 'scheduled', 'active', 'paused', 'completed', 'archived');
CREATE TYPE campaigns.execution_status AS ENUM ('pending', 'running', 'completed', 'failed', 'cancelled');
CREATE TYPE segments.segment_type AS ENUM ('static', 'dynamic', 'lookalike', 'behavioral');
CREATE TYPE experiments.test_type AS ENUM ('subject_line', 'content', 'send_time', 'creative', 'multivariate');
CREATE TYPE experiments.test_status AS ENUM ('draft', 'running', 'paused', 'completed', 'archived');
CREATE TYPE analytics.event_type AS ENUM ('sent', 'delivered', 'opened', 'clicked', 'converted', 'unsubscribed', 'bounced');
CREATE TYPE triggers.trigger_status AS ENUM ('active', 'inactive', 'paused');
