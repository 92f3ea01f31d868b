-- campaign-manager keeps encoded campaigns in memory (GetCampaign); every change of a campaign row, whoever makes
-- it, notifies the channel campaign_changed with the campaign id (delivered when the transaction commits), and
-- each process drops that campaign from its cache.
CREATE FUNCTION campaigns.notify_campaign_changed() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM pg_notify('campaign_changed', OLD.id::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER campaigns_notify_changed
    AFTER UPDATE OR DELETE ON campaigns.campaigns
    FOR EACH ROW EXECUTE FUNCTION campaigns.notify_campaign_changed();
